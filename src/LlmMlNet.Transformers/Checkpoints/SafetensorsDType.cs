// The element types a safetensors file may declare, their sizes, and the exact upcast of the three
// floating-point types we accept (F32, F16, BF16) to float32. Not a general numeric converter: integer
// and float64 tensors are named so the error can say which dtype was found, but are never read.
using System.Buffers.Binary;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Element type of a tensor in a safetensors file (the header's <c>dtype</c> string).</summary>
public enum SafetensorsDType
{
    /// <summary>IEEE float32, little-endian.</summary>
    F32,
    /// <summary>IEEE float16, little-endian; upcast exactly to float32.</summary>
    F16,
    /// <summary>bfloat16 (the top 16 bits of a float32); upcast exactly to float32.</summary>
    BF16,
}

/// <summary>Parsing, sizes and conversion of <see cref="SafetensorsDType"/> values.</summary>
public static class SafetensorsDTypes
{
    // dtype strings the format defines but we do not read; listed so the error can say "unsupported"
    // (a real safetensors file of another type) rather than "unknown" (a corrupt header).
    private static readonly HashSet<string> KnownButUnsupported =
        ["F64", "F8_E4M3", "F8_E5M2", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL"];

    /// <summary>Parses a header dtype string.</summary>
    /// <param name="text">The <c>dtype</c> value, e.g. "F32".</param>
    /// <param name="dtype">The parsed type when supported.</param>
    /// <param name="problem">When not supported: why, naming the dtype.</param>
    /// <returns>True when the dtype is F32, F16 or BF16.</returns>
    public static bool TryParse(string text, out SafetensorsDType dtype, out string problem)
    {
        problem = "";
        switch (text)
        {
            case "F32": dtype = SafetensorsDType.F32; return true;
            case "F16": dtype = SafetensorsDType.F16; return true;
            case "BF16": dtype = SafetensorsDType.BF16; return true;
        }
        dtype = default;
        problem = KnownButUnsupported.Contains(text)
            ? $"dtype {text} is not supported (only F32, F16 and BF16 are read)"
            : $"unknown dtype '{text}'";
        return false;
    }

    /// <summary>The header string of a dtype ("F32", "F16", "BF16").</summary>
    public static string Name(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 => "F32",
        SafetensorsDType.F16 => "F16",
        SafetensorsDType.BF16 => "BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>Bytes per element: 4 for F32, 2 for F16 and BF16.</summary>
    public static int ElementSize(SafetensorsDType dtype) => dtype == SafetensorsDType.F32 ? 4 : 2;

    /// <summary>
    /// Converts little-endian elements of <paramref name="dtype"/> to float32. Every F16 and BF16 value
    /// (subnormals, infinities, NaN payload sign included) is representable in float32, so the upcast is exact.
    /// </summary>
    /// <exception cref="ArgumentException">The byte count is not <c>destination.Length * ElementSize</c>.</exception>
    public static void ToFloat32(SafetensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var size = ElementSize(dtype);
        if (source.Length != (long)destination.Length * size)
            throw new ArgumentException(
                $"{source.Length} bytes of {Name(dtype)} do not make {destination.Length} elements", nameof(source));
        switch (dtype)
        {
            case SafetensorsDType.F32:
                if (BitConverter.IsLittleEndian)
                    source.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
                else
                    for (var i = 0; i < destination.Length; i++)
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                break;
            case SafetensorsDType.F16:
                for (var i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                break;
            case SafetensorsDType.BF16:
                for (var i = 0; i < destination.Length; i++)
                    destination[i] = BitConverter.Int32BitsToSingle(
                        BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16);
                break;
        }
    }
}
