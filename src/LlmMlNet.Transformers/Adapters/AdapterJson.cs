// Reads adapter config files (adapter_config.json, bottleneck_config.json) with every JSON problem turned
// into an InvalidDataException naming the file and field: truncated JSON, a fraction or 1e20 where an
// integer belongs, NaN-like values. Only parsing helpers; what the fields mean is the formats' business.
using System.Text.Json;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>Typed, file-naming reads of adapter configuration JSON.</summary>
internal static class AdapterJson
{
    /// <summary>Parses <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not valid JSON (names the file).</exception>
    public static JsonDocument Parse(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            _ = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes); // strings are checked only when read
            return JsonDocument.Parse(bytes);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: not valid UTF-8", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>A positive 32-bit integer (PEFT writes r as an int; 8.5 or 1e20 is refused, not truncated).</summary>
    public static int PositiveInt(JsonElement value, string field, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number > 0
            ? number
            : throw new InvalidDataException($"{path}: field '{field}' must be a positive integer, got {value.GetRawText()}.");

    /// <summary>A finite number as float.</summary>
    public static float FiniteFloat(JsonElement value, string field, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && float.IsFinite((float)number)
            ? (float)number
            : throw new InvalidDataException($"{path}: field '{field}' must be a finite number, got {value.GetRawText()}.");
}
