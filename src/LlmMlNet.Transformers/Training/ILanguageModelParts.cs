// The two halves a language-model objective drives: an encoder/decoder body producing hidden states
// for every position, and a row-wise vocabulary head (MLM transform + tied decoder, or GPT-2's LM
// head) that the objective applies only to the rows that have targets. Adapters over the models
// branch's classes implement these. Not a model: no config, loading or saving here.
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Training;

/// <summary>A transformer body as a Forward/Backward pair over a <see cref="LanguageModelBatch"/>.</summary>
public interface ISequenceEncoder
{
    /// <summary>The parameters shared with the head (one set for the whole model).</summary>
    ParameterSet Parameters { get; }

    /// <summary>Width C of the hidden states.</summary>
    int HiddenSize { get; }

    /// <summary>Returns hidden states [Batch·SequenceLength, C]; valid until the next Forward.</summary>
    ReadOnlySpan<float> Forward(LanguageModelBatch batch, ForwardContext context);

    /// <summary>Differentiates the last Forward: accumulates parameter gradients from dL/dhidden [Batch·SequenceLength, C].</summary>
    void Backward(ReadOnlySpan<float> hiddenGradient);
}

/// <summary>A head mapping rows of hidden states to vocabulary logits.</summary>
public interface IVocabularyHead
{
    /// <summary>Logits per row (the vocabulary size).</summary>
    int Vocabulary { get; }

    /// <summary>logits[rows, Vocabulary] (overwritten) from hidden[rows, C]; caches what Backward needs for these rows.</summary>
    void Forward(ReadOnlySpan<float> hidden, Span<float> logits, int rows, ForwardContext context);

    /// <summary>
    /// Differentiates the last Forward: hiddenGradient[rows, C] += dL/dhidden and parameter gradients
    /// += from logitsGradient[rows, Vocabulary]. <paramref name="hidden"/> is the Forward input.
    /// </summary>
    void Backward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> logitsGradient, Span<float> hiddenGradient, int rows);
}
