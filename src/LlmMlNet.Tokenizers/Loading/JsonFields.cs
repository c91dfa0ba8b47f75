// Typed reads of JSON fields that throw TokenizerFormatException naming the file and the dotted field
// path. Only reading helpers; what the fields mean is the readers' business.
using System.Text.Json;

namespace LlmMlNet.Tokenizers.Loading;

/// <summary>Field access on a JSON object with file/field-naming errors.</summary>
internal readonly record struct JsonFields(string File, string Path, JsonElement Element)
{
    public TokenizerFormatException Error(string field, string problem) => new(File, Join(field), problem);

    private string Join(string field) => Path.Length == 0 ? field : field.Length == 0 ? Path : $"{Path}.{field}";

    public bool Has(string field) => Element.ValueKind == JsonValueKind.Object && Get(field, out var v) && v.ValueKind != JsonValueKind.Null;

    // Every field read goes through here, so an array or a number where an object belongs is a named format error,
    // not the InvalidOperationException JsonElement throws.
    private bool Get(string field, out JsonElement value)
    {
        if (Element.ValueKind != JsonValueKind.Object) throw Error("", $"expected a JSON object, got {Element.ValueKind.ToString().ToLowerInvariant()}.");
        return Element.TryGetProperty(field, out value);
    }

    public JsonFields Object(string field)
    {
        if (!Get(field, out var v) || v.ValueKind != JsonValueKind.Object)
            throw Error(field, "expected a JSON object.");
        return new JsonFields(File, Join(field), v);
    }

    public JsonElement Raw(string field) =>
        Get(field, out var v) ? v : throw Error(field, "missing.");

    public string String(string field) =>
        Get(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Error(field, "expected a string.");

    public string? OptionalString(string field) =>
        !Get(field, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw Error(field, "expected a string or null.");

    public bool Bool(string field, bool fallback)
    {
        if (!Get(field, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        return v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Error(field, "expected true or false.") };
    }

    public bool? OptionalBool(string field) => Has(field) ? Bool(field, false) : null;

    public int Int(string field, int? fallback = null)
    {
        if (!Get(field, out var v) || v.ValueKind == JsonValueKind.Null)
            return fallback ?? throw Error(field, "missing (expected an integer).");
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Error(field, "expected an integer.");
    }

    public double Double(string field) =>
        Get(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Error(field, "expected a number.");

    public JsonFields Field(string field) => new(File, Join(field), Raw(field));

    public IEnumerable<JsonFields> Array(string field)
    {
        if (!Get(field, out var v) || v.ValueKind != JsonValueKind.Array) throw Error(field, "expected a JSON array.");
        int i = 0;
        foreach (var item in v.EnumerateArray()) yield return new JsonFields(File, $"{Join(field)}[{i++}]", item);
    }

    /// <summary>A special token given as a string or as an AddedToken object with "content".</summary>
    public string? TokenName(string field)
    {
        if (!Get(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String) return c.GetString();
        throw Error(field, "expected a token string or an object with \"content\".");
    }

    public static JsonDocument Parse(string file)
    {
        try
        {
            var bytes = System.IO.File.ReadAllBytes(file);
            // System.Text.Json checks a string's UTF-8 only when it is read (InvalidOperationException then): check it all now.
            _ = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new TokenizerFormatException(file, "(json)", "not valid UTF-8.", e);
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(file, "(json)", $"not valid JSON: {e.Message}", e);
        }
    }
}
