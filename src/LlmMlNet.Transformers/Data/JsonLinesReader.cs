// Streams a JSON Lines file as (line number, object) pairs for the generative data readers: blank lines are
// skipped, a line that is not a JSON object and a missing or non-string field throw DataFormatException naming
// the file, the line and the field. Not a schema: each reader says which fields it needs.
using System.Text.Json;

namespace LlmMlNet.Transformers.Data;

/// <summary>Line-by-line reading of a JSONL file.</summary>
internal static class JsonLinesReader
{
    /// <summary>Each non-blank line parsed as an object (the document is disposed when the enumeration moves on).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A line that is not a JSON object.</exception>
    public static IEnumerable<(long Line, JsonElement Row)> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        return Iterate(path);
    }

    private static IEnumerable<(long Line, JsonElement Row)> Iterate(string path)
    {
        long line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, line, null, $"not valid JSON: {e.Message}", e);
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new DataFormatException(path, line, null, $"expected a JSON object, found {document.RootElement.ValueKind}.");
                yield return (line, document.RootElement);
            }
        }
    }

    /// <summary>The string field <paramref name="name"/> of <paramref name="row"/>.</summary>
    /// <exception cref="DataFormatException">The field is missing or not a string.</exception>
    public static string String(JsonElement row, string name, string path, long line)
    {
        if (!row.TryGetProperty(name, out var value))
            throw new DataFormatException(path, line, null, $"missing field \"{name}\" (present: {string.Join(", ", row.EnumerateObject().Select(p => p.Name))}).");
        if (value.ValueKind != JsonValueKind.String)
            throw new DataFormatException(path, line, null, $"field \"{name}\" must be a string, found {value.ValueKind}.");
        return value.GetString()!;
    }
}
