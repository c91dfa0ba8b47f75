// Writes a TransformerConfig as config.json under the family's own field names, with the fields
// Hugging Face needs to pick the class (model_type, architectures) and every extra field of the
// original file carried over; keys sorted as `save_pretrained` writes them. Not a reader.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary><see cref="TransformerConfig"/> → config.json.</summary>
public static class TransformerConfigWriter
{
    /// <summary>Writes config.json atomically (temp file + rename).</summary>
    /// <param name="path">Target file.</param>
    /// <param name="config">The configuration.</param>
    /// <param name="architectures">Hugging Face class names for "architectures"; null keeps the original field (or writes none).</param>
    public static void Write(string path, TransformerConfig config, IReadOnlyList<string>? architectures = null) =>
        AtomicFile.WriteText(path, ToJson(config, architectures));

    /// <summary>The config.json text (indented, sorted keys, trailing newline).</summary>
    public static string ToJson(TransformerConfig config, IReadOnlyList<string>? architectures = null)
    {
        var names = ConfigFieldNames.For(config.Family);
        var fields = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in config.ExtraFields) fields[key] = JsonNode.Parse(value.GetRawText());
        if (architectures != null) fields["architectures"] = new JsonArray(architectures.Select(a => (JsonNode?)a).ToArray());
        fields["model_type"] = ModelFamilies.ModelType(config.Family);
        fields["vocab_size"] = config.VocabSize;
        fields[names.HiddenSize] = config.HiddenSize;
        fields[names.NumLayers] = config.NumLayers;
        fields[names.NumHeads] = config.NumHeads;
        fields[names.IntermediateSize!] = config.IntermediateSize;
        fields[names.Activation] = config.ActivationName;
        if (names.LayerNormEps != null) fields[names.LayerNormEps] = config.LayerNormEps;
        fields[names.MaxPositions] = config.MaxPositions;
        if (names.TypeVocabSize != null) fields[names.TypeVocabSize] = config.TypeVocabSize;
        fields["pad_token_id"] = config.PadTokenId;
        if (config.BosTokenId != null) fields["bos_token_id"] = config.BosTokenId;
        if (config.EosTokenId != null) fields["eos_token_id"] = config.EosTokenId;
        fields[names.HiddenDropout] = config.HiddenDropout;
        fields[names.AttentionDropout] = config.AttentionDropout;
        if (names.EmbeddingDropout != null) fields[names.EmbeddingDropout] = config.EmbeddingDropout;
        if (names.ClassifierDropout != null) fields[names.ClassifierDropout] = config.ClassifierDropout;
        if (names.QaDropout != null) fields[names.QaDropout] = config.QaDropout;
        if (config.Family == ModelFamily.DistilBert) fields["sinusoidal_pos_embds"] = config.SinusoidalPositions;
        if (config.Family == ModelFamily.Gpt2)
        {
            fields["scale_attn_weights"] = config.ScaleAttentionWeights;
            fields["scale_attn_by_inverse_layer_idx"] = config.ScaleAttentionByInverseLayerIndex;
        }
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (var i = 0; i < config.Labels.Count; i++)
        {
            id2label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = config.Labels[i];
            label2id[config.Labels[i]] = i;
        }
        fields["id2label"] = id2label;
        fields["label2id"] = label2id;
        if (config.ProblemType != null) fields["problem_type"] = config.ProblemType;
        var root = new JsonObject();
        foreach (var (key, value) in fields) root[key] = value;
        return root.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n";
    }
}
