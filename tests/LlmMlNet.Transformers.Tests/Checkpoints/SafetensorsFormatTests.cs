// Round trips of every dtype through our writer and reader, exact upcasts of known F16/BF16 bit
// patterns, and the header layout Hugging Face writes (8-byte aligned, space padded, format pt).
using System.Buffers.Binary;
using System.Text;
using LlmMlNet.Transformers.Checkpoints;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

public sealed class SafetensorsFormatTests
{
    // Values exactly representable in F16 and BF16 (small integers times powers of two), so every dtype round-trips bit-exactly.
    private static readonly float[] Representable = [0f, 1f, -2f, 0.5f, 0.375f, -0.0625f, 3f, 96f, 1.0f / 1024];

    [Theory]
    [InlineData(SafetensorsDType.F32)]
    [InlineData(SafetensorsDType.F16)]
    [InlineData(SafetensorsDType.BF16)]
    public void EachDTypeRoundTripsExactly(SafetensorsDType dtype)
    {
        using var folder = new TempFolder();
        var path = folder.File("t.safetensors");
        var matrix = Enumerable.Range(0, 12).Select(i => Representable[i % Representable.Length] * (i % 2 == 0 ? 1 : -1)).ToArray();
        SafetensorsWriter.Write(path,
        [
            new SafetensorsTensor("b.matrix", [3, 4], matrix, dtype),
            new SafetensorsTensor("a.vector", [Representable.Length], Representable, dtype),
            new SafetensorsTensor("c.empty", [0, 4], Array.Empty<float>(), dtype),
        ]);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["a.vector", "b.matrix", "c.empty"], file.Tensors.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(dtype, file.Tensors["b.matrix"].DType);
        Assert.Equal([3L, 4L], file.Tensors["b.matrix"].Shape);
        Assert.Equal(matrix, file.ReadFloat32("b.matrix"));
        Assert.Equal(Representable, file.ReadFloat32("a.vector"));
        Assert.Empty(file.ReadFloat32("c.empty"));
    }

    [Fact]
    public void HalfPrecisionBitPatternsUpcastExactly()
    {
        // F16: 1.0, smallest subnormal 2^-24, largest finite 65504, -inf.  BF16: 1.0, -2.0, float32's smallest normal 2^-126, +inf.
        ushort[] f16 = [0x3C00, 0x0001, 0x7BFF, 0xFC00];
        float[] f16Expected = [1f, MathF.Pow(2, -24), 65504f, float.NegativeInfinity];
        ushort[] bf16 = [0x3F80, 0xC000, 0x0080, 0x7F80];
        float[] bf16Expected = [1f, -2f, BitConverter.Int32BitsToSingle(0x00800000), float.PositiveInfinity];
        using var folder = new TempFolder();
        var path = folder.File("bits.safetensors");
        var data = new byte[16];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), f16[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(8 + 2 * i), bf16[i]);
        }
        RawSafetensors.Write(path,
            """{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[8,16]}}""", data);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(f16Expected, file.ReadFloat32("h"));
        Assert.Equal(bf16Expected, file.ReadFloat32("b"));
    }

    [Fact]
    public void BFloat16WriterRoundsToNearestEven()
    {
        // 1 + 2^-8 lies exactly halfway between bf16 1.0 and 1 + 2^-7: ties go to the even mantissa (1.0).
        Assert.Equal(0x3F80, SafetensorsWriter.ToBFloat16(1f + MathF.Pow(2, -8)));
        Assert.Equal(0x3F81, SafetensorsWriter.ToBFloat16(1f + MathF.Pow(2, -8) + MathF.Pow(2, -12)));
        Assert.Equal(0x3F82, SafetensorsWriter.ToBFloat16(1f + 3 * MathF.Pow(2, -8)));
    }

    [Fact]
    public void HeaderIsAlignedSpacePaddedAndCarriesFormatMetadata()
    {
        using var folder = new TempFolder();
        var path = folder.File("m.safetensors");
        SafetensorsWriter.Write(path, [new SafetensorsTensor("w", [3], new float[] { 1, 2, 3 })]);
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.StartsWith("""{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""", header);
        Assert.True(header.TrimEnd(' ').Length + (headerLength - header.TrimEnd(' ').Length) == headerLength);
        Assert.Equal(8 + headerLength + 12, bytes.Length);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Header.Metadata["format"]);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public void WriterRejectsShapeThatDoesNotHoldTheValuesBeforeWriting()
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.safetensors");
        var error = Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(path, [new SafetensorsTensor("w", [2, 2], new float[] { 1, 2, 3 })]));
        Assert.Contains("'w'", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ReadsTheFixtureCheckpointsHeaders()
    {
        using var bert = SafetensorsFile.Open(TestSupport.RepoPaths.Fixture("parity", "bert-tiny-random", "model.safetensors"));
        Assert.Equal([1000L, 64L], bert.Tensors["bert.embeddings.word_embeddings.weight"].Shape);
        Assert.Equal(64, bert.ReadFloat32("bert.embeddings.LayerNorm.weight").Length);
    }
}
