// Settings of one ONNX export, each with its default documented: the head (default: the model's own task), the
// opset (17, the first with LayerNormalization), feature pooling for embedding exports, GPT-2's past key values,
// and the probabilities output of classifiers. Not the exporter (OnnxExporter).
using LlmMlNet.Transformers.Heads;

namespace LlmMlNet.Onnx.Export;

/// <summary>What an ONNX export writes.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Lowest opset written (LayerNormalization is opset 17).</summary>
    public const int MinimumOpset = 17;

    /// <summary>Highest opset accepted (the ops used keep their opset-17 meaning up to here; ONNX Runtime 1.32 runs it).</summary>
    public const int MaximumOpset = 21;

    /// <summary>The head to export; null (the default) uses the model's own task (a saved task's, else config.json's architectures).</summary>
    public HeadKind? Head { get; init; }

    /// <summary>The default ONNX opset of the "" domain: 17.</summary>
    public int Opset { get; init; } = MinimumOpset;

    /// <summary>
    /// With <see cref="HeadKind.None"/>: also output <c>sentence_embedding</c> [batch, hidden] pooled this way (null, the
    /// default, exports last_hidden_state only). Feature-extraction classifiers use their own pooling regardless.
    /// </summary>
    public PoolingMode? Pooling { get; init; }

    /// <summary>L2-normalise <c>sentence_embedding</c> (with <see cref="Pooling"/>). Default false.</summary>
    public bool NormalizeEmbeddings { get; init; }

    /// <summary>
    /// GPT-2 causal LM only: a decoder with past key values as inputs (<c>past_key_values.N.key/value</c>) and outputs
    /// (<c>present.N.key/value</c>), so generation can run step by step in ONNX Runtime. Default false.
    /// </summary>
    public bool WithPast { get; init; }

    /// <summary>Classification: also output <c>probabilities</c> (softmax of <c>logits</c>), what our classifiers predict. Default true.</summary>
    public bool Probabilities { get; init; } = true;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">The opset is outside [17, 21], or past key values are asked for another head than clm.</exception>
    public OnnxExportOptions Validate()
    {
        if (Opset is < MinimumOpset or > MaximumOpset)
            throw new ArgumentException($"opset {Opset} is not supported; use {MinimumOpset} to {MaximumOpset}.", nameof(Opset));
        if (WithPast && Head is not (null or HeadKind.CausalLm))
            throw new ArgumentException("past key values are exported with the clm head only.", nameof(WithPast));
        if (Pooling is not null && Head is not (null or HeadKind.None))
            throw new ArgumentException("pooling applies to the embedding export (head none) only.", nameof(Pooling));
        return this;
    }
}
