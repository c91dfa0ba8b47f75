// Writes float tensors as a safetensors file in the layout Hugging Face's `save_pretrained` produces:
// tensors sorted by name, `__metadata__ {"format":"pt"}`, the header padded with spaces to a multiple
// of 8 bytes, atomically (temp file + rename). Not aware of model key names (CheckpointSaver).
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>One tensor to write: name, shape and float32 values, stored as <paramref name="DType"/>.</summary>
/// <param name="Name">Tensor key.</param>
/// <param name="Shape">Dimensions; their product must equal the value count.</param>
/// <param name="Values">Row-major values.</param>
/// <param name="DType">Storage type; F16 and BF16 round to nearest even.</param>
public sealed record SafetensorsTensor(string Name, IReadOnlyList<long> Shape, ReadOnlyMemory<float> Values,
    SafetensorsDType DType = SafetensorsDType.F32);

/// <summary>Safetensors file writer.</summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="tensors">Tensors; names must be unique.</param>
    /// <param name="metadata">The <c>__metadata__</c> map; null writes <c>{"format":"pt"}</c> as Hugging Face does.</param>
    /// <exception cref="ArgumentException">A duplicate name, or a shape whose product differs from the value count; thrown before writing.</exception>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in ordered)
        {
            if (!SafetensorsDTypes.IsReadable(tensor.DType))
                throw new ArgumentException($"tensor '{tensor.Name}': only F32, F16 and BF16 can be written", nameof(tensors));
            if (!seen.Add(tensor.Name)) throw new ArgumentException($"tensor '{tensor.Name}' given twice", nameof(tensors));
            var count = tensor.Shape.Aggregate(1L, (a, b) => a * b);
            if (tensor.Shape.Any(d => d < 0) || count != tensor.Values.Length)
                throw new ArgumentException(
                    $"tensor '{tensor.Name}': shape [{string.Join(", ", tensor.Shape)}] does not hold {tensor.Values.Length} values", nameof(tensors));
        }
        var header = BuildHeader(ordered, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var tensor in ordered) WriteValues(stream, tensor);
        });
    }

    private static byte[] BuildHeader(List<SafetensorsTensor> ordered, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata) json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var tensor in ordered)
            {
                var bytes = tensor.Values.Length * (long)SafetensorsDTypes.ElementSize(tensor.DType);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", SafetensorsDTypes.Name(tensor.DType));
                json.WriteStartArray("shape");
                foreach (var dim in tensor.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // The data must start 8-byte aligned; Hugging Face pads the header with spaces.
        var length = (int)buffer.Length;
        var padded = (length + 7) / 8 * 8;
        var result = new byte[padded];
        buffer.GetBuffer().AsSpan(0, length).CopyTo(result);
        result.AsSpan(length).Fill((byte)' ');
        return result;
    }

    private static void WriteValues(Stream stream, SafetensorsTensor tensor)
    {
        const int chunk = 1 << 14;
        var values = tensor.Values.Span;
        var bytes = new byte[chunk * 4];
        for (var start = 0; start < values.Length; start += chunk)
        {
            var part = values.Slice(start, Math.Min(chunk, values.Length - start));
            var size = Encode(tensor.DType, part, bytes);
            stream.Write(bytes, 0, size);
        }
    }

    private static int Encode(SafetensorsDType dtype, ReadOnlySpan<float> values, Span<byte> bytes)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(bytes);
                else
                    for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes[(4 * i)..], values[i]);
                return values.Length * 4;
            case SafetensorsDType.F16:
                for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes[(2 * i)..], (Half)values[i]);
                return values.Length * 2;
            default:
                for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes[(2 * i)..], ToBFloat16(values[i]));
                return values.Length * 2;
        }
    }

    /// <summary>float32 → bfloat16 bits, round to nearest even; NaN stays a quiet NaN.</summary>
    internal static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
