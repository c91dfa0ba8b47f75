// Every malformed-file case the reader must reject with an exception naming the file, the tensor and
// the problem, before any tensor byte is read (so never an out-of-range read).
using LlmMlNet.Transformers.Checkpoints;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

public sealed class SafetensorsValidationTests
{
    private static InvalidDataException OpenFails(string headerJson, int dataBytes, long? declaredHeaderLength = null, byte[]? raw = null)
    {
        using var folder = new TempFolder();
        var path = folder.File("broken.safetensors");
        if (raw != null) File.WriteAllBytes(path, raw);
        else RawSafetensors.Write(path, headerJson, new byte[dataBytes], declaredHeaderLength);
        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("broken.safetensors", error.Message);
        return error;
    }

    [Fact]
    public void FileShorterThanTheLengthPrefix() =>
        Assert.Contains("truncated", OpenFails("", 0, raw: [1, 2, 3]).Message);

    [Fact]
    public void HeaderLengthLongerThanTheFile() =>
        Assert.Contains("header length 4096 is longer", OpenFails("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, declaredHeaderLength: 4096).Message);

    [Fact]
    public void TruncatedDataIsReportedAsRunningPastTheEnd()
    {
        var message = OpenFails("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 10).Message;
        Assert.Contains("'w'", message);
        Assert.Contains("truncated", message);
    }

    [Fact]
    public void OffsetsOutOfRange()
    {
        var message = OpenFails("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[1000,1004]}}""", 8).Message;
        Assert.Contains("'w'", message);
        Assert.Contains("out of range", message);
    }

    [Fact]
    public void ReversedOffsets() =>
        Assert.Contains("'w'", OpenFails("""{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}""", 8).Message);

    [Fact]
    public void OverlappingTensors()
    {
        var message = OpenFails(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12).Message;
        Assert.Contains("overlap", message);
        Assert.Contains("'a'", message);
        Assert.Contains("'b'", message);
    }

    [Fact]
    public void ByteRangeNotMatchingShapeTimesDTypeSize()
    {
        var message = OpenFails("""{"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,24]}}""", 24).Message;
        Assert.Contains("'w'", message);
        Assert.Contains("needs 12", message);
    }

    [Fact]
    public void UnknownDType()
    {
        var message = OpenFails("""{"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}""", 4).Message;
        Assert.Contains("'w'", message);
        Assert.Contains("unknown dtype 'Q4'", message);
    }

    [Fact]
    public void IntegerBuffersAreValidButReadingThemAsFloatsNamesTheDType()
    {
        // Real checkpoints store int64 position_ids; the file opens, only a float read of them fails.
        using var folder = new TempFolder();
        var path = folder.File("ids.safetensors");
        RawSafetensors.Write(path, """{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""", new byte[16]);
        using var file = SafetensorsFile.Open(path);
        var error = Assert.Throws<NotSupportedException>(() => file.ReadFloat32("ids"));
        Assert.Contains("'ids'", error.Message);
        Assert.Contains("dtype I64 is not supported", error.Message);
        Assert.Contains("needs 16", OpenFails("""{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,8]}}""", 8).Message);
    }

    [Fact]
    public void NegativeShape() =>
        Assert.Contains("'w'", OpenFails("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4).Message);

    [Fact]
    public void HeaderNotJson() =>
        Assert.Contains("not valid JSON", OpenFails("""{"w": nope""", 4).Message);

    [Fact]
    public void MissingDataOffsets() =>
        Assert.Contains("data_offsets", OpenFails("""{"w":{"dtype":"F32","shape":[1]}}""", 4).Message);

    [Fact]
    public void ReadingIntoAWronglySizedBufferNamesTheTensor()
    {
        using var folder = new TempFolder();
        var path = folder.File("ok.safetensors");
        SafetensorsWriter.Write(path, [new SafetensorsTensor("w", [2], new float[] { 1, 2 })]);
        using var file = SafetensorsFile.Open(path);
        Assert.Contains("'w'", Assert.Throws<ArgumentException>(() => file.ReadFloat32("w", new float[3])).Message);
        Assert.Contains("'nope'", Assert.Throws<KeyNotFoundException>(() => file.ReadFloat32("nope")).Message);
    }
}
