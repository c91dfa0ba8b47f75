// The models' LM heads rebuilt row-wise, so the objective can run them on gathered target rows only:
// BERT/RoBERTa/DistilBERT's transform (dense → activation → LayerNorm) + tied decoder + bias, and
// GPT-2's tied decoder. Same parameter names and math as Heads/MaskedLmHead and CausalLmHead, which
// always project every row. Not a loss: LanguageModelObjective owns the cross-entropy.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Training;

/// <summary>The masked-LM head over any number of rows: logits = LN(act(h·Wdᵀ + bd))·Eᵀ + b.</summary>
public sealed class MaskedLmRowHead : IVocabularyHead
{
    private readonly Linear _dense, _decoder;
    private readonly LayerNorm _norm;
    private readonly ActivationFunction _activation;
    private readonly int _channels;
    private float[] _pre = [], _act = [], _normed = [], _dNormed = [], _dAct = [], _dPre = [];

    /// <summary>Binds the head to <paramref name="model"/>'s parameters; call before the model's arena is committed.</summary>
    /// <exception cref="InvalidOperationException">The parameters lack the MaskedLm group, or the arena is committed.</exception>
    public MaskedLmRowHead(TransformerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Parameters.Groups.Contains(KeyGroup.MaskedLm))
            throw new InvalidOperationException("The model's parameters have no MaskedLm weights; create them with KeyGroup.MaskedLm.");
        if (model.Arena.IsCommitted) throw new InvalidOperationException("Build the head before the model's first Forward (its arena is committed).");
        var config = model.Config;
        var set = model.Parameters.Set;
        _channels = config.HiddenSize;
        Vocabulary = config.VocabSize;
        _dense = new Linear(set, "mlm.dense.weight", "mlm.dense.bias");
        _decoder = new Linear(set, "embeddings.word", "mlm.bias");
        _norm = new LayerNorm(set, "mlm.norm.weight", "mlm.norm.bias", (float)config.LayerNormEps, model.Arena, model.MaxBatch * model.MaxSequence);
        // RoBERTa's lm_head always uses exact GELU (as Heads/MaskedLmHead does).
        _activation = Activations.Parse(config.Family == ModelFamily.Roberta ? "gelu" : config.ActivationName);
    }

    /// <inheritdoc />
    public int Vocabulary { get; }

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<float> hidden, Span<float> logits, int rows, ForwardContext context)
    {
        int n = rows * _channels;
        Grow(ref _pre, n); Grow(ref _act, n); Grow(ref _normed, n);
        _dense.Forward(hidden, _pre, rows);
        Activations.Forward(_activation, _act.AsSpan(0, n), _pre.AsSpan(0, n));
        _norm.Forward(_act, rows).CopyTo(_normed);
        _decoder.Forward(_normed, logits, rows);
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> logitsGradient, Span<float> hiddenGradient, int rows)
    {
        int n = rows * _channels;
        Grow(ref _dNormed, n); Grow(ref _dAct, n); Grow(ref _dPre, n);
        var dNormed = _dNormed.AsSpan(0, n);
        var dAct = _dAct.AsSpan(0, n);
        var dPre = _dPre.AsSpan(0, n);
        dNormed.Clear();
        _decoder.Backward(_normed, logitsGradient, dNormed, rows);
        dAct.Clear();
        _norm.Backward(_act, dNormed, dAct, rows);
        dPre.Clear();
        Activations.Backward(_activation, dPre, _pre.AsSpan(0, n), dAct);
        _dense.Backward(hidden, dPre, hiddenGradient, rows);
    }

    // The norm's arena output is sized for maxBatch × maxSequence rows, which bounds gathered rows too.
    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[Math.Max(length, buffer.Length * 2)];
    }
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
