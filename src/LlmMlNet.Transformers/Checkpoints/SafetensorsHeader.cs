// Parses and validates the JSON header of a safetensors file against the size of its data buffer:
// every tensor's dtype, shape and byte range is checked before a single tensor byte is read.
// Not the reader (SafetensorsFile maps the file) and not the writer.
using System.Text.Json;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>One tensor entry of a safetensors header, validated.</summary>
/// <param name="Name">The tensor's key, e.g. "bert.embeddings.word_embeddings.weight".</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions (empty for a scalar).</param>
/// <param name="Begin">Start offset in the data buffer (bytes after the header).</param>
/// <param name="End">End offset (exclusive) in the data buffer.</param>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The shape as "[a, b]" for messages and snapshots.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>A parsed safetensors header: tensors by name plus the optional <c>__metadata__</c> strings.</summary>
public sealed class SafetensorsHeader
{
    /// <summary>Headers above this size are rejected as corrupt, as the reference implementation does (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private SafetensorsHeader(IReadOnlyDictionary<string, SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Tensors by name, in header order.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Parses <paramref name="json"/> and checks every entry against a data buffer of <paramref name="dataLength"/> bytes.
    /// </summary>
    /// <param name="file">The file's path, for messages.</param>
    /// <param name="json">The header bytes (UTF-8 JSON, possibly padded with trailing spaces).</param>
    /// <param name="dataLength">Bytes after the header.</param>
    /// <exception cref="InvalidDataException">
    /// Malformed JSON, an unknown or unsupported dtype, a negative or non-integer shape, offsets that are
    /// reversed, run past the data, overlap another tensor, or do not equal shape × dtype size. The message
    /// names the file, the tensor and the problem.
    /// </exception>
    public static SafetensorsHeader Parse(string file, ReadOnlySpan<byte> json, long dataLength)
    {
        JsonDocument document;
        try
        {
            // System.Text.Json checks a string's UTF-8 only when it is read; the format requires UTF-8, so check it all now.
            _ = StrictUtf8.GetCharCount(json);
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new InvalidDataException($"{file}: the safetensors header is not valid UTF-8");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: the safetensors header is not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{file}: the safetensors header is not a JSON object");
            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(file, property.Value, metadata);
                    continue;
                }
                if (tensors.ContainsKey(property.Name))
                    throw Bad(file, property.Name, "appears twice in the header");
                tensors[property.Name] = ReadEntry(file, property.Name, property.Value, dataLength);
            }
            CheckNoOverlap(file, tensors.Values);
            return new SafetensorsHeader(tensors, metadata);
        }
    }

    private static void ReadMetadata(string file, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{file}: __metadata__ must be an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{file}: __metadata__ value '{item.Name}' must be a string");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsTensorInfo ReadEntry(string file, string name, JsonElement entry, long dataLength)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw Bad(file, name, "header entry is not an object");
        if (!entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad(file, name, "missing string field 'dtype'");
        if (!SafetensorsDTypes.TryParse(dtypeElement.GetString()!, out var dtype, out var problem))
            throw Bad(file, name, problem);
        if (!entry.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad(file, name, "missing array field 'shape'");
        var shape = new List<long>();
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var size) || size < 0)
                throw Bad(file, name, $"shape {shapeElement.GetRawText()} holds a value that is not a non-negative integer");
            shape.Add(size);
        }
        if (!entry.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
            throw Bad(file, name, "missing field 'data_offsets' of two integers");
        if (offsets[0].ValueKind != JsonValueKind.Number || offsets[1].ValueKind != JsonValueKind.Number
            || !offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw Bad(file, name, $"data_offsets {offsets.GetRawText()} are not two ordered non-negative integers");
        if (end > dataLength)
            throw Bad(file, name,
                $"data_offsets [{begin}, {end}] run past the end of the data buffer ({dataLength} bytes): the file is truncated or the offsets are out of range");
        var info = new SafetensorsTensorInfo(name, dtype, shape, begin, end);
        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * SafetensorsDTypes.ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw Bad(file, name, $"shape {info.ShapeText} is too large");
        }
        if (end - begin != expected)
            throw Bad(file, name,
                $"data_offsets [{begin}, {end}] hold {end - begin} bytes but shape {info.ShapeText} of {SafetensorsDTypes.Name(dtype)} needs {expected}");
        return info;
    }

    private static void CheckNoOverlap(string file, IEnumerable<SafetensorsTensorInfo> tensors)
    {
        SafetensorsTensorInfo? previous = null;
        foreach (var tensor in tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin))
        {
            if (previous != null && tensor.Begin < previous.End)
                throw Bad(file, tensor.Name,
                    $"data_offsets [{tensor.Begin}, {tensor.End}] overlap tensor '{previous.Name}' [{previous.Begin}, {previous.End}]");
            previous = tensor;
        }
    }

    private static InvalidDataException Bad(string file, string tensor, string problem) =>
        new($"{file}: tensor '{tensor}': {problem}");
}
