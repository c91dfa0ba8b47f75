// Reads config.json into a TransformerConfig: the family from `model_type`, every hyper-parameter
// under the family's field names (ConfigFieldNames), Hugging Face's defaults for optional fields, and
// an exception naming the file and field for a missing required field or a value of the wrong type.
// Not the writer, and it does not look at weights.
using System.Text.Json;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>config.json → <see cref="TransformerConfig"/>.</summary>
public static class TransformerConfigReader
{
    // Fields this reader interprets; everything else is carried in ExtraFields.
    private static readonly string[] SharedFields =
    [
        "model_type", "vocab_size", "pad_token_id", "bos_token_id", "eos_token_id", "id2label", "label2id",
        "num_labels", "problem_type", "sinusoidal_pos_embds", "scale_attn_weights", "scale_attn_by_inverse_layer_idx",
    ];

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <param name="path">A config.json file.</param>
    /// <param name="expectedFamily">When given, the file's model_type must name this family (and may be absent).</param>
    /// <remarks>
    /// Without <c>model_type</c> (older configs such as Google's BERT miniatures) the family is inferred as Hugging Face's
    /// AutoConfig does, from a family name in the folder's name ("bert_uncased_L-2_H-128_A-2"), else from the class
    /// names in <c>architectures</c>.
    /// </remarks>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Invalid JSON, an unsupported model_type, a missing required field, a field of the wrong type or an inconsistent value; the message names the file and the field.</exception>
    public static TransformerConfig Read(string path, ModelFamily? expectedFamily = null)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"config.json not found: {full}", full);
        return Parse(File.ReadAllText(full), full, expectedFamily);
    }

    /// <summary>Parses config.json text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">As <see cref="Read"/>.</exception>
    public static TransformerConfig Parse(string json, string source, ModelFamily? expectedFamily = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{source}: config is not a JSON object");
            var fields = new ConfigJson(root, source);
            var family = ReadFamily(fields, root, source, expectedFamily);
            var names = ConfigFieldNames.For(family);
            var hidden = fields.RequiredInt(names.HiddenSize);
            var intermediate = family == ModelFamily.Gpt2
                ? fields.OptionalInt(names.IntermediateSize!) ?? 4 * hidden
                : fields.RequiredInt(names.IntermediateSize!);
            var hiddenDropout = fields.OptionalDouble(names.HiddenDropout) ?? 0.1;
            if (fields.OptionalString("position_embedding_type") is { } positionType && positionType != "absolute")
                throw new InvalidDataException($"{source}: field 'position_embedding_type' is '{positionType}'; only 'absolute' is supported");
            if (fields.OptionalBool("tie_word_embeddings") == false)
                throw new InvalidDataException($"{source}: field 'tie_word_embeddings' is false; only tied output embeddings are supported");
            // A BERT/RoBERTa with is_decoder runs causal self-attention in Hugging Face (BertLMHeadModel); our encoders
            // are bidirectional, so refuse rather than compute other numbers.
            if (family is ModelFamily.Bert or ModelFamily.Roberta && fields.OptionalBool("is_decoder") == true)
                throw new InvalidDataException($"{source}: field 'is_decoder' is true; only bidirectional {family} encoders are supported");
            var config = new TransformerConfig
            {
                Family = family,
                VocabSize = fields.RequiredInt("vocab_size"),
                HiddenSize = hidden,
                NumLayers = fields.RequiredInt(names.NumLayers),
                NumHeads = fields.RequiredInt(names.NumHeads),
                IntermediateSize = intermediate,
                ActivationName = fields.OptionalString(names.Activation) ?? (family == ModelFamily.Gpt2 ? "gelu_new" : "gelu"),
                LayerNormEps = names.LayerNormEps == null ? 1e-12
                    : fields.OptionalDouble(names.LayerNormEps) ?? (family == ModelFamily.Gpt2 ? 1e-5 : 1e-12),
                MaxPositions = fields.RequiredInt(names.MaxPositions),
                TypeVocabSize = names.TypeVocabSize == null ? 0 : fields.OptionalInt(names.TypeVocabSize) ?? 2,
                PadTokenId = fields.OptionalInt("pad_token_id") ?? DefaultPad(family),
                BosTokenId = fields.OptionalInt("bos_token_id"),
                EosTokenId = fields.OptionalInt("eos_token_id"),
                HiddenDropout = hiddenDropout,
                AttentionDropout = fields.OptionalDouble(names.AttentionDropout) ?? 0.1,
                EmbeddingDropout = names.EmbeddingDropout == null ? hiddenDropout : fields.OptionalDouble(names.EmbeddingDropout) ?? 0.1,
                ClassifierDropout = names.ClassifierDropout == null ? null
                    : fields.OptionalDouble(names.ClassifierDropout) ?? (family == ModelFamily.DistilBert ? 0.2 : null),
                QaDropout = names.QaDropout == null ? hiddenDropout : fields.OptionalDouble(names.QaDropout) ?? 0.1,
                SinusoidalPositions = family == ModelFamily.DistilBert && (fields.OptionalBool("sinusoidal_pos_embds") ?? false),
                ScaleAttentionWeights = fields.OptionalBool("scale_attn_weights") ?? true,
                ScaleAttentionByInverseLayerIndex = fields.OptionalBool("scale_attn_by_inverse_layer_idx") ?? false,
                Labels = ReadLabels(fields, root, source),
                ProblemType = fields.OptionalString("problem_type"),
                ExtraFields = Extras(root, names),
            };
            return config.Validate(source);
        }
    }

    // RoBERTa's pad (1) is part of its position arithmetic; the others have no padding default that matters.
    private static int? DefaultPad(ModelFamily family) => family switch
    {
        ModelFamily.Bert or ModelFamily.DistilBert => 0,
        ModelFamily.Roberta => 1,
        _ => null,
    };

    private static ModelFamily ReadFamily(ConfigJson fields, JsonElement root, string source, ModelFamily? expected)
    {
        var modelType = fields.OptionalString("model_type");
        if (modelType == null)
            return expected ?? InferFamily(root, source) ?? throw new InvalidDataException(
                $"{source}: missing required field 'model_type' (and neither the folder name nor 'architectures' names bert, roberta, distilbert or gpt2)");
        var family = ModelFamilies.FromModelType(modelType)
            ?? throw new InvalidDataException($"{source}: field 'model_type' is '{modelType}'; supported: bert, roberta, distilbert, gpt2");
        if (expected is { } wanted && wanted != family)
            throw new InvalidDataException($"{source}: field 'model_type' is '{modelType}' but a {wanted} model was asked for");
        return family;
    }

    // Older configs (e.g. Google's BERT miniatures, bert_uncased_L-2_H-128_A-2) have no model_type. Hugging Face's
    // AutoConfig then matches model-type names in the path, longest first; we match the folder's own name (so a
    // parent folder cannot decide it), then the class names in "architectures" ("BertForMaskedLM").
    private static ModelFamily? InferFamily(JsonElement root, string source)
    {
        if (File.Exists(source))
        {
            var folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(source)) ?? "").ToLowerInvariant();
            foreach (var (pattern, family) in InferencePatterns)
                if (folder.Contains(pattern, StringComparison.Ordinal)) return family;
        }
        if (root.TryGetProperty("architectures", out var architectures) && architectures.ValueKind == JsonValueKind.Array)
            foreach (var name in architectures.EnumerateArray())
                foreach (var (pattern, family) in InferencePatterns)
                    if (name.ValueKind == JsonValueKind.String && name.GetString()!.StartsWith(pattern, StringComparison.OrdinalIgnoreCase))
                        return family;
        return null;
    }

    // Longest first, so "distilbert" and "roberta" win over the "bert" they contain.
    private static readonly (string Pattern, ModelFamily Family)[] InferencePatterns =
        [("distilbert", ModelFamily.DistilBert), ("roberta", ModelFamily.Roberta), ("gpt2", ModelFamily.Gpt2), ("bert", ModelFamily.Bert)];

    private static IReadOnlyList<string> ReadLabels(ConfigJson fields, JsonElement root, string source)
    {
        if (root.TryGetProperty("id2label", out var id2label) && id2label.ValueKind != JsonValueKind.Null)
        {
            if (id2label.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{source}: field 'id2label' must be an object of id → name");
            var byId = new SortedDictionary<int, string>();
            foreach (var item in id2label.EnumerateObject())
            {
                if (!int.TryParse(item.Name, out var id) || id < 0 || item.Value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{source}: field 'id2label' entry '{item.Name}' must map a non-negative integer to a string");
                byId[id] = item.Value.GetString()!;
            }
            if (byId.Count == 0 || byId.Keys.Last() != byId.Count - 1)
                throw new InvalidDataException($"{source}: field 'id2label' ids must be 0..n-1");
            return byId.Values.ToArray();
        }
        var count = fields.OptionalInt("num_labels") ?? 2;
        if (count <= 0) throw new InvalidDataException($"{source}: field 'num_labels' must be positive");
        return Enumerable.Range(0, count).Select(i => $"LABEL_{i}").ToArray();
    }

    private static Dictionary<string, JsonElement> Extras(JsonElement root, ConfigFieldNames names)
    {
        var known = new HashSet<string>(SharedFields, StringComparer.Ordinal);
        foreach (var name in new[]
                 {
                     names.HiddenSize, names.NumLayers, names.NumHeads, names.IntermediateSize, names.Activation,
                     names.LayerNormEps, names.MaxPositions, names.TypeVocabSize, names.HiddenDropout,
                     names.AttentionDropout, names.EmbeddingDropout, names.ClassifierDropout, names.QaDropout,
                 })
            if (name != null) known.Add(name);
        return root.EnumerateObject().Where(p => !known.Contains(p.Name))
            .ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }
}
