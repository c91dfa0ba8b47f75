// pytorch_model.bin read by the restricted unpickler: every *-bin fixture (written by real torch.save from a
// safetensors fixture, with views, ties, F16/BF16, bool buffers and shards) loads exactly the values of its
// source; pickles that would run code (os.system, eval), unknown opcodes, the legacy format and views outside
// their storage are refused with InvalidDataException naming the file and the global or problem.
using System.IO.Compression;
using System.Text;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tests.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

public sealed class PyTorchBinTests
{
    private static string Pickle(string name) =>
        Path.Combine(TestSupport.RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "pickle", name);

    [Theory]
    [InlineData("bert-bin", "bert")]
    [InlineData("bert-tf-names-f16-bin", "bert-tf-names-f16")]
    [InlineData("roberta-mlm-bf16-sharded-bin", "roberta-mlm-bf16-sharded")]
    [InlineData("gpt2-bin", "gpt2")]
    public void EveryTensorReadsExactlyAsFromTheSafetensorsSource(string bin, string source)
    {
        using var pickled = CheckpointFolder.Open(FamilyFixture.PathOf(bin));
        using var safetensors = CheckpointFolder.Open(FamilyFixture.PathOf(source));
        Assert.All(pickled.Files, f => Assert.IsType<PyTorchBinFile>(f));
        foreach (var name in safetensors.TensorNames)
        {
            var expected = safetensors.Info(name);
            Assert.True(pickled.Contains(name), $"{bin} lacks {name}");
            var info = pickled.Info(name);
            Assert.Equal(expected.DType, info.DType);
            Assert.Equal(expected.Shape, info.Shape);
            if (SafetensorsDTypes.IsReadable(expected.DType))
                Assert.Equal(safetensors.FileOf(name).ReadFloat32(name), pickled.FileOf(name).ReadFloat32(name));
        }
        var family = TransformerConfigReader.Read(Path.Combine(FamilyFixture.PathOf(bin), "config.json")).Family;
        var groups = FamilyFixture.Load(bin).Groups(family);
        var fromBin = TransformerParameters.FromPretrained(FamilyFixture.PathOf(bin), groups, out _);
        var fromSafetensors = TransformerParameters.FromPretrained(FamilyFixture.PathOf(source), groups, out _);
        Assert.Equal(fromSafetensors.Set.Values, fromBin.Set.Values);
    }

    [Fact]
    public void AStateDictOfOneTensorReads()
    {
        using var file = PyTorchBinFile.Open(Pickle("small.bin"));
        Assert.Equal([2L], file.Tensors["w"].Shape);
        Assert.Equal([1f, 1f], file.ReadFloat32("w"));
    }

    [Theory]
    [InlineData("os-system.bin", "'posix.system'")]
    [InlineData("builtins-eval.bin", "'__builtin__.eval'")] // protocol 2 writes Python 2's module name
    public void PicklesThatWouldRunCodeAreRefusedNamingTheGlobal(string name, string global)
    {
        var path = Pickle(name);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchBinFile.Open(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains(global, e.Message);
        Assert.Contains("no code in the file can run", e.Message);
        Assert.False(File.Exists("/tmp/llmmlnet-pwned"));
    }

    [Fact]
    public void TheLegacyFormatIsRefusedWithTheWayOut()
    {
        var e = Assert.Throws<InvalidDataException>(() => PyTorchBinFile.Open(Pickle("legacy-format.bin")).Dispose());
        Assert.Contains("before 1.6", e.Message);
        Assert.Contains("safetensors", e.Message);
    }

    // Protocol-2 pieces: PROTO 2, then a dict {"w": _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}.
    private static byte[] StateDict(string storageType = "FloatStorage", int numel = 4, int offset = 0, int size = 4, int stride = 1, string? extra = null)
    {
        var s = new StringBuilder();
        s.Append("\u0080\u0002}X\u0001\u0000\u0000\u0000w");
        s.Append("ctorch._utils\n_rebuild_tensor_v2\n(");
        s.Append($"(X\u0007\u0000\u0000\u0000storagectorch\n{storageType}\nX\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK{(char)numel}tQ");
        s.Append($"K{(char)offset}K{(char)size}\u0085K{(char)stride}\u0085\u0089ccollections\nOrderedDict\n)RtR");
        s.Append(extra ?? "");
        s.Append("s.");
        return Encoding.Latin1.GetBytes(s.ToString());
    }

    private static string Zip(string folder, byte[] pickle, int storageBytes = 16)
    {
        var path = Path.Combine(folder, "pytorch_model.bin");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var stream = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open()) stream.Write(pickle);
        using (var stream = zip.CreateEntry("archive/data/0", CompressionLevel.NoCompression).Open())
            for (var i = 0; i < storageBytes / 4; i++) stream.Write(BitConverter.GetBytes((float)i));
        return path;
    }

    [Fact]
    public void AHandWrittenStateDictReadsAndAStridedSliceGathers()
    {
        using var temp = new TempFolder();
        using (var file = PyTorchBinFile.Open(Zip(temp.Path, StateDict())))
            Assert.Equal([0f, 1f, 2f, 3f], file.ReadFloat32("w"));
        File.Delete(temp.File("pytorch_model.bin"));
        using (var file = PyTorchBinFile.Open(Zip(temp.Path, StateDict(offset: 1, size: 2, stride: 2))))
            Assert.Equal([1f, 3f], file.ReadFloat32("w"));
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "getattr")]
    [InlineData("torch", "load")]
    [InlineData("torch._utils", "_rebuild_device_tensor_from_numpy")]
    public void AnyOtherGlobalIsRefusedBeforeItIsUsed(string module, string name)
    {
        using var temp = new TempFolder();
        var pickle = Encoding.Latin1.GetBytes($"\u0080\u0002c{module}\n{name}\n(X\u0002\u0000\u0000\u0000lstR.");
        var path = Zip(temp.Path, pickle);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchBinFile.Open(path).Dispose());
        Assert.Contains($"'{module}.{name}'", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("storage size", 16, 8)]
    [InlineData("view past storage", 4, 16)]
    [InlineData("opcode", 4, 16)]
    [InlineData("truncated", 4, 16)]
    [InlineData("storage type", 4, 16)]
    [InlineData("BUILD", 4, 16)]
    public void MalformedPicklesAreNamedNotExecuted(string problem, int numel, int storageBytes)
    {
        using var temp = new TempFolder();
        var pickle = problem switch
        {
            "view past storage" => StateDict(numel: numel, offset: 2, size: 4),
            "opcode" => Encoding.Latin1.GetBytes("\u0080\u0002(i__main__\nEvil\n."),
            "truncated" => StateDict()[..40],
            "storage type" => StateDict(storageType: "ComplexFloatStorage"),
            "BUILD" => Encoding.Latin1.GetBytes("\u0080\u0002ccollections\nOrderedDict\n)R]b."),
            _ => StateDict(numel: numel),
        };
        var path = Zip(temp.Path, pickle, storageBytes);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchBinFile.Open(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains(problem switch
        {
            "storage size" => "holds 8 bytes",
            "view past storage" => "past its 4 elements",
            "opcode" => "opcode 0x69",
            "truncated" => "truncated",
            "storage type" => "'torch.ComplexFloatStorage'",
            _ => "BUILD of",
        }, e.Message);
    }
}
