// The models' LM heads as IVocabularyHead over any number of rows, so the objective can run them on
// gathered target rows only: Heads/MaskedLmHead through its rows overloads (one implementation), and
// GPT-2's tied decoder. Not a loss: LanguageModelObjective owns the cross-entropy.
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Training;

/// <summary>The masked-LM head over any number of rows: the model's <see cref="MaskedLmHead"/> through its rows overloads.</summary>
public sealed class MaskedLmRowHead : IVocabularyHead
{
    private readonly MaskedLmHead _head;

    /// <summary>Binds the head to <paramref name="model"/>'s parameters; call before the model's arena is committed.</summary>
    /// <exception cref="InvalidOperationException">The parameters lack the MaskedLm group, or the arena is committed.</exception>
    public MaskedLmRowHead(TransformerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Arena.IsCommitted) throw new InvalidOperationException("Build the head before the model's first Forward (its arena is committed).");
        _head = new MaskedLmHead(model, logitsForEveryRow: false);
        Vocabulary = model.Config.VocabSize;
    }

    /// <inheritdoc />
    public int Vocabulary { get; }

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<float> hidden, Span<float> logits, int rows, ForwardContext context) => _head.Forward(hidden, logits, rows);

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> logitsGradient, Span<float> hiddenGradient, int rows)
        => _head.Backward(hidden, logitsGradient, hiddenGradient, rows);
}

/// <summary>GPT-2's LM head over any number of rows: logits = h·Eᵀ (tied, no bias).</summary>
public sealed class CausalLmRowHead : IVocabularyHead
{
    private readonly Linear _decoder;

    /// <summary>Binds the head to <paramref name="model"/>'s word embedding.</summary>
    public CausalLmRowHead(TransformerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _decoder = new Linear(model.Parameters.Set, "embeddings.word", null);
        Vocabulary = model.Config.VocabSize;
    }

    /// <inheritdoc />
    public int Vocabulary { get; }

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<float> hidden, Span<float> logits, int rows, ForwardContext context) => _decoder.Forward(hidden, logits, rows);

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> logitsGradient, Span<float> hiddenGradient, int rows)
        => _decoder.Backward(hidden, logitsGradient, hiddenGradient, rows);
}
