// The manifest of a pipeline file: format tag, version, the input schema (names and types) and the ordered steps,
// each either an ML.NET model entry or the folder of one of our transformers. Pure data plus validation.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmMlNet.ML.Persistence;

internal sealed class PipelineManifest
{
    public const string FormatName = "LlmMlNet.Pipeline";
    public const int CurrentVersion = 1;
    public const string EntryName = "manifest.json";
    public const string MlNetKind = "mlnet";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string Format { get; set; } = FormatName;

    public int Version { get; set; } = CurrentVersion;

    public List<ManifestColumn> InputSchema { get; set; } = [];

    public List<ManifestStep> Steps { get; set; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="InvalidDataException">The JSON is not a valid manifest; the message names the file and the field.</exception>
    public static PipelineManifest FromJson(string json, string file)
    {
        PipelineManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PipelineManifest>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: {EntryName} is not valid JSON: {e.Message}", e);
        }
        if (manifest == null) throw new InvalidDataException($"{file}: {EntryName} is empty.");
        if (manifest.Format != FormatName) throw new InvalidDataException($"{file}: {EntryName} field 'format' is '{manifest.Format}', expected '{FormatName}'.");
        if (manifest.Version != CurrentVersion)
            throw new InvalidDataException($"{file}: {EntryName} field 'version' is {manifest.Version}; this build reads version {CurrentVersion}.");
        for (int i = 0; i < manifest.Steps.Count; i++)
        {
            var step = manifest.Steps[i];
            if (string.IsNullOrEmpty(step.Kind) || string.IsNullOrEmpty(step.Entry))
                throw new InvalidDataException($"{file}: {EntryName} field 'steps[{i}]' needs a 'kind' and an 'entry'.");
        }
        return manifest;
    }
}

internal sealed record ManifestColumn(string Name, string Type);

internal sealed record ManifestStep(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("entry")] string Entry);
