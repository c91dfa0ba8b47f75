// Named sizes for models made from scratch, after the BERT miniatures of Turc et al. (2019), as
// nanoGPT names its GPT-2 sizes: tiny, mini, small, medium, base. Not a loader: a preset has no weights.
namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Size presets: (layers, hidden, heads, FFN width), 512 positions, vocabulary from the tokenizer.</summary>
public static class SizePresets
{
    /// <summary>Vocabulary size used when no tokenizer is given (bert-base-uncased's).</summary>
    public const int DefaultVocabSize = 30522;

    /// <summary>Tokens a preset model accepts.</summary>
    public const int MaxTokens = 512;

    private static readonly Dictionary<string, (int Layers, int Hidden, int Heads, int Ffn)> Sizes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tiny"] = (2, 128, 2, 512),
        ["mini"] = (4, 256, 4, 1024),
        ["small"] = (4, 512, 8, 2048),
        ["medium"] = (8, 512, 8, 2048),
        ["base"] = (12, 768, 12, 3072),
    };

    /// <summary>The preset names, smallest first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "mini", "small", "medium", "base"];

    /// <summary>
    /// A configuration of the named size with the family's reference defaults: BERT gelu/eps 1e-12/2 token
    /// types/pad 0; RoBERTa gelu/eps 1e-5/1 token type/pad 1 and 514 position rows (512 + padding offset);
    /// DistilBERT gelu/pad 0; GPT-2 gelu_new/eps 1e-5; dropout 0.1 everywhere (DistilBERT's classifier 0.2).
    /// </summary>
    /// <param name="name">tiny, mini, small, medium or base (case-insensitive).</param>
    /// <param name="family">Model family.</param>
    /// <param name="vocabSize">The tokenizer's vocabulary size; null uses <see cref="DefaultVocabSize"/>.</param>
    /// <param name="numLabels">Classification labels (default 2).</param>
    /// <exception cref="ArgumentException">Unknown preset name (the message lists the valid ones) or a non-positive size.</exception>
    public static TransformerConfig Create(string name, ModelFamily family, int? vocabSize = null, int numLabels = 2)
    {
        if (!Sizes.TryGetValue(name, out var size))
            throw new ArgumentException($"unknown size preset '{name}'; choose one of {string.Join(", ", Names)}", nameof(name));
        if (vocabSize is <= 0) throw new ArgumentException("vocabSize must be positive", nameof(vocabSize));
        if (numLabels <= 0) throw new ArgumentException("numLabels must be positive", nameof(numLabels));
        var pad = family switch { ModelFamily.Roberta => 1, ModelFamily.Gpt2 => (int?)null, _ => 0 };
        var vocab = vocabSize ?? DefaultVocabSize;
        return new TransformerConfig
        {
            Family = family,
            VocabSize = vocab,
            HiddenSize = size.Hidden,
            NumLayers = size.Layers,
            NumHeads = size.Heads,
            IntermediateSize = size.Ffn,
            ActivationName = family == ModelFamily.Gpt2 ? "gelu_new" : "gelu",
            LayerNormEps = family is ModelFamily.Roberta or ModelFamily.Gpt2 ? 1e-5 : 1e-12,
            MaxPositions = family == ModelFamily.Roberta ? MaxTokens + 2 : MaxTokens,
            TypeVocabSize = family switch { ModelFamily.Bert => 2, ModelFamily.Roberta => 1, _ => 0 },
            PadTokenId = pad,
            HiddenDropout = 0.1,
            AttentionDropout = 0.1,
            EmbeddingDropout = 0.1,
            ClassifierDropout = family == ModelFamily.DistilBert ? 0.2 : null,
            QaDropout = 0.1,
            Labels = Enumerable.Range(0, numLabels).Select(i => $"LABEL_{i}").ToArray(),
        }.Validate($"preset {name}");
    }
}
