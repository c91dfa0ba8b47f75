// The immutable hyper-parameters of one model, normalised across families (BERT's hidden_size,
// DistilBERT's dim and GPT-2's n_embd are all HiddenSize). Not a parser (TransformerConfigReader) and
// not a writer (TransformerConfigWriter); the size presets live in SizePresets.
using System.Text.Json;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Hyper-parameters of a transformer, as read from (and written to) config.json.</summary>
/// <remarks>
/// Fixed values of families whose config lacks a field: DistilBERT's LayerNorm epsilon is 1e-12 and it
/// has no token types; GPT-2 has no token types. RoBERTa's position ids start at PadTokenId + 1, so its
/// MaxPositions includes those offset slots (514 for 512 tokens).
/// </remarks>
public sealed record TransformerConfig
{
    /// <summary>Model family.</summary>
    public required ModelFamily Family { get; init; }
    /// <summary>Vocabulary size (rows of the word embedding).</summary>
    public required int VocabSize { get; init; }
    /// <summary>Width of the residual stream.</summary>
    public required int HiddenSize { get; init; }
    /// <summary>Number of transformer blocks.</summary>
    public required int NumLayers { get; init; }
    /// <summary>Attention heads per block; divides HiddenSize.</summary>
    public required int NumHeads { get; init; }
    /// <summary>Inner width of the feed-forward block (GPT-2's null n_inner is stored here as 4 × HiddenSize).</summary>
    public required int IntermediateSize { get; init; }
    /// <summary>The activation's config name, e.g. "gelu" or "gelu_new".</summary>
    public required string ActivationName { get; init; }
    /// <summary>LayerNorm epsilon.</summary>
    public required double LayerNormEps { get; init; }
    /// <summary>Rows of the position embedding.</summary>
    public required int MaxPositions { get; init; }
    /// <summary>Rows of the token-type embedding; 0 for families without token types.</summary>
    public int TypeVocabSize { get; init; }
    /// <summary>Padding token id, or null when the config has none.</summary>
    public int? PadTokenId { get; init; }
    /// <summary>Beginning-of-sequence id (GPT-2's bos_token_id), or null.</summary>
    public int? BosTokenId { get; init; }
    /// <summary>End-of-sequence id, or null.</summary>
    public int? EosTokenId { get; init; }
    /// <summary>Dropout after embeddings and on residual branches (hidden_dropout_prob, dropout, resid_pdrop).</summary>
    public double HiddenDropout { get; init; }
    /// <summary>Dropout on attention probabilities.</summary>
    public double AttentionDropout { get; init; }
    /// <summary>Dropout on the embedding sum; equals HiddenDropout except for GPT-2 (embd_pdrop).</summary>
    public double EmbeddingDropout { get; init; }
    /// <summary>Classifier dropout; null means "use HiddenDropout" as Hugging Face does.</summary>
    public double? ClassifierDropout { get; init; }
    /// <summary>Dropout before the QA head (DistilBERT's qa_dropout; others use HiddenDropout).</summary>
    public double QaDropout { get; init; }
    /// <summary>DistilBERT: fixed sinusoidal position embeddings instead of learned ones.</summary>
    public bool SinusoidalPositions { get; init; }
    /// <summary>GPT-2: divide attention scores by sqrt(head size) (true for all released checkpoints).</summary>
    public bool ScaleAttentionWeights { get; init; } = true;
    /// <summary>GPT-2: additionally divide scores by (layer index + 1).</summary>
    public bool ScaleAttentionByInverseLayerIndex { get; init; }
    /// <summary>Class names by id (id2label); its count is the number of labels.</summary>
    public IReadOnlyList<string> Labels { get; init; } = ["LABEL_0", "LABEL_1"];
    /// <summary>"single_label_classification", "multi_label_classification", "regression", or null.</summary>
    public string? ProblemType { get; init; }
    /// <summary>Fields of the original config.json that no property covers, kept so saving round-trips them.</summary>
    public IReadOnlyDictionary<string, JsonElement> ExtraFields { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Number of classification labels (the count of <see cref="Labels"/>).</summary>
    public int NumLabels => Labels.Count;

    /// <summary>Width of one attention head.</summary>
    public int HeadSize => HiddenSize / NumHeads;

    /// <summary>The parsed activation.</summary>
    public HiddenActivation Activation => ModelFamilies.ParseActivation(ActivationName)
        ?? throw new InvalidOperationException($"unknown activation '{ActivationName}'");

    /// <summary>Dropout the classification head applies (ClassifierDropout, else HiddenDropout).</summary>
    public double EffectiveClassifierDropout => ClassifierDropout ?? HiddenDropout;

    /// <summary>RoBERTa's padding_idx offset for position ids; 0 for the other families.</summary>
    public int PositionOffset => Family == ModelFamily.Roberta ? (PadTokenId ?? 1) + 1 : 0;

    /// <summary>Checks internal consistency (positive sizes, heads dividing the width, known activation, dropouts in [0, 1)).</summary>
    /// <param name="source">What to name in the message (a file path or "preset tiny").</param>
    /// <exception cref="InvalidDataException">A field is inconsistent; the message names the source and field.</exception>
    public TransformerConfig Validate(string source)
    {
        var names = ConfigFieldNames.For(Family);
        void Positive(int value, string field)
        {
            if (value <= 0) throw new InvalidDataException($"{source}: field '{field}' must be positive, got {value}");
        }
        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, names.HiddenSize);
        Positive(NumLayers, names.NumLayers);
        Positive(NumHeads, names.NumHeads);
        Positive(IntermediateSize, names.IntermediateSize ?? "intermediate_size");
        Positive(MaxPositions, names.MaxPositions);
        Positive(NumLabels, "id2label");
        if (HiddenSize % NumHeads != 0)
            throw new InvalidDataException($"{source}: field '{names.NumHeads}' ({NumHeads}) must divide '{names.HiddenSize}' ({HiddenSize})");
        if (ModelFamilies.ParseActivation(ActivationName) == null)
            throw new InvalidDataException(
                $"{source}: field '{names.Activation}' is '{ActivationName}'; supported: {string.Join(", ", ModelFamilies.ActivationNames)}");
        if (!(LayerNormEps > 0)) throw new InvalidDataException($"{source}: field '{names.LayerNormEps ?? "layer_norm_eps"}' must be positive");
        foreach (var (value, field) in new[]
                 {
                     (HiddenDropout, names.HiddenDropout), (AttentionDropout, names.AttentionDropout),
                     (EmbeddingDropout, names.EmbeddingDropout ?? names.HiddenDropout),
                     (EffectiveClassifierDropout, names.ClassifierDropout ?? "classifier_dropout"),
                     (QaDropout, names.QaDropout ?? names.HiddenDropout),
                 })
            if (!(value >= 0 && value < 1))
                throw new InvalidDataException($"{source}: field '{field}' must be in [0, 1), got {value}");
        if (PadTokenId is { } pad && (pad < 0 || pad >= VocabSize))
            throw new InvalidDataException($"{source}: field 'pad_token_id' ({pad}) is outside the vocabulary of {VocabSize}");
        if (Family == ModelFamily.Roberta && MaxPositions <= PositionOffset)
            throw new InvalidDataException($"{source}: field 'max_position_embeddings' ({MaxPositions}) leaves no room after the padding offset {PositionOffset}");
        return this;
    }
}
