// The element types a safetensors file may declare, their sizes, and the exact upcast of the three
// floating-point types we read (F32, F16, BF16) to float32. Other dtypes are valid in a file (real
// checkpoints store int64 position_ids buffers) but reading one as floats is an error naming the dtype.
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
    /// <summary>float64: may be present, is not read.</summary>
    F64,
    /// <summary>int64 (e.g. position_ids buffers): may be present, is not read.</summary>
    I64,
    /// <summary>int32: may be present, is not read.</summary>
    I32,
    /// <summary>int16: may be present, is not read.</summary>
    I16,
    /// <summary>int8: may be present, is not read.</summary>
    I8,
    /// <summary>uint64: may be present, is not read.</summary>
    U64,
    /// <summary>uint32: may be present, is not read.</summary>
    U32,
    /// <summary>uint16: may be present, is not read.</summary>
    U16,
    /// <summary>uint8: may be present, is not read.</summary>
    U8,
    /// <summary>bool (one byte): may be present, is not read.</summary>
    BOOL,
    /// <summary>float8 e4m3: may be present, is not read.</summary>
    F8_E4M3,
    /// <summary>float8 e5m2: may be present, is not read.</summary>
    F8_E5M2,
}

/// <summary>Parsing, sizes and conversion of <see cref="SafetensorsDType"/> values.</summary>
public static class SafetensorsDTypes
{
    /// <summary>Parses a header dtype string (the enum member names are the format's strings).</summary>
    /// <param name="text">The <c>dtype</c> value, e.g. "F32".</param>
    /// <param name="dtype">The parsed type.</param>
    /// <param name="problem">When unknown: why, naming the string.</param>
    /// <returns>True when the format defines the dtype.</returns>
    public static bool TryParse(string text, out SafetensorsDType dtype, out string problem)
    {
        problem = "";
        if (Enum.TryParse(text, ignoreCase: false, out dtype) && Enum.IsDefined(dtype) && text == dtype.ToString()) return true;
        problem = $"unknown dtype '{text}'";
        return false;
    }

    /// <summary>The header string of a dtype ("F32", "I64", ...).</summary>
    public static string Name(SafetensorsDType dtype) =>
        Enum.IsDefined(dtype) ? dtype.ToString() : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype");

    /// <summary>True for the dtypes read as float32: F32, F16, BF16.</summary>
    public static bool IsReadable(SafetensorsDType dtype) => dtype is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16;

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 or SafetensorsDType.I64 or SafetensorsDType.U64 => 8,
        SafetensorsDType.F32 or SafetensorsDType.I32 or SafetensorsDType.U32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.I16 or SafetensorsDType.U16 => 2,
        _ => 1,
    };

    /// <summary>
    /// Converts little-endian elements of <paramref name="dtype"/> to float32. Every F16 and BF16 value
    /// (subnormals, infinities, NaN payload sign included) is representable in float32, so the upcast is exact.
    /// </summary>
    /// <exception cref="ArgumentException">The byte count is not <c>destination.Length * ElementSize</c>.</exception>
    /// <exception cref="NotSupportedException">The dtype is not F32, F16 or BF16 (the message names it).</exception>
    public static void ToFloat32(SafetensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (!IsReadable(dtype))
            throw new NotSupportedException($"dtype {Name(dtype)} is not supported (only F32, F16 and BF16 are read)");
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
