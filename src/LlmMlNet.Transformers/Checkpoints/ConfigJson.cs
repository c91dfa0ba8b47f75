// Typed access to the fields of a config.json object, where every missing required field and every
// value of the wrong type throws an exception naming the file and the field. Not a general JSON binder.
using System.Text.Json;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Field readers over one config.json object.</summary>
internal sealed class ConfigJson(JsonElement root, string source)
{
    /// <summary>An integer field that must be present.</summary>
    public int RequiredInt(string field) =>
        OptionalInt(field) ?? throw new InvalidDataException($"{source}: missing required field '{field}'");

    /// <summary>An integer field, or null when absent or JSON null.</summary>
    public int? OptionalInt(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        // Python writes integral floats as "2.0" only by mistake; accept them when exact.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var real) && real == Math.Floor(real)
            && Math.Abs(real) < int.MaxValue)
            return (int)real;
        throw WrongType(field, "an integer", value);
    }

    /// <summary>A numeric field, or null when absent or JSON null.</summary>
    public double? OptionalDouble(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number) return value.GetDouble();
        throw WrongType(field, "a number", value);
    }

    /// <summary>A string field, or null when absent or JSON null.</summary>
    public string? OptionalString(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        throw WrongType(field, "a string", value);
    }

    /// <summary>A boolean field, or null when absent or JSON null.</summary>
    public bool? OptionalBool(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        throw WrongType(field, "true or false", value);
    }

    private bool TryGet(string field, out JsonElement value) =>
        root.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

    private InvalidDataException WrongType(string field, string expected, JsonElement value) =>
        new($"{source}: field '{field}' must be {expected}, got {value.GetRawText()}");
}
