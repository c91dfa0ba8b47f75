// Reads and writes the small JSON file each of our transformers saves beside its model files (its options:
// column names, lengths, pooling, labels), atomically, and reads it back with errors naming the file.
// Not the model weights (see CheckpointSaver) and not the pipeline manifest (Infrastructure).
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.ML.Persistence;

internal static class ComponentSettings
{
    public const string FileName = "llmmlnet.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        IncludeFields = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes <paramref name="settings"/> as <see cref="FileName"/> in <paramref name="directory"/>, atomically.</summary>
    public static void Write<T>(string directory, T settings) =>
        AtomicFile.WriteText(Path.Combine(directory, FileName), JsonSerializer.Serialize(settings, Json));

    /// <summary>Reads <see cref="FileName"/> from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON for <typeparamref name="T"/>.</exception>
    public static T Read<T>(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"Saved transformer folder has no {FileName}: {directory}", path);
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
