// Loading the parity fixtures through the key tables (prefix handling, GPT-2's transpose and Q/K/V
// split, tied weights, missing/unexpected keys as Hugging Face reports them), save → load round trips,
// sharded folders, old gamma/beta names, and the errors for bad checkpoints.
using LlmMlNet.Transformers.Checkpoints;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

public sealed class CheckpointLoaderTests
{
    private static readonly IReadOnlySet<KeyGroup> All = RawSafetensors.AllGroups;

    private static (TransformerConfig Config, DictionaryParameters Parameters, CheckpointLoadReport Report) LoadFixture(
        string fixture, IReadOnlySet<KeyGroup> groups)
    {
        var directory = TestSupport.RepoPaths.Fixture("parity", fixture);
        var config = TransformerConfigReader.Read(Path.Combine(directory, "config.json"));
        using var folder = CheckpointFolder.Open(directory);
        var parameters = new DictionaryParameters(config, groups);
        var report = CheckpointLoader.Load(folder, config, groups, parameters.View);
        return (config, parameters, report);
    }

    [Fact]
    public void LoadsEveryBertTensorIncludingAllHeads()
    {
        var (_, parameters, report) = LoadFixture("bert-tiny-random", All);
        Assert.Empty(report.Initialized);
        Assert.Empty(report.Unexpected);
        Assert.Equal(parameters.Values.Count, report.Loaded.Count);
        Assert.All(parameters.Values, p => Assert.DoesNotContain(p.Value, float.IsNaN));
        using var file = SafetensorsFile.Open(TestSupport.RepoPaths.Fixture("parity", "bert-tiny-random", "model.safetensors"));
        Assert.Equal(file.ReadFloat32("bert.encoder.layer.1.intermediate.dense.weight"), parameters.Values["layers.1.ffn.up.weight"]);
        Assert.Equal(file.ReadFloat32("qa_outputs.weight"), parameters.Values["qa.weight"]);
    }

    [Fact]
    public void MissingHeadIsReportedAsInitializedAndOtherHeadsAsUnexpected()
    {
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.MaskedLm };
        var (_, _, report) = LoadFixture("bert-tiny-random", groups);
        Assert.Empty(report.Initialized);
        Assert.Contains("classifier.weight", report.Unexpected);
        Assert.Contains("qa_outputs.bias", report.Unexpected);
        Assert.Contains("bert.pooler.dense.weight", report.Unexpected);
        Assert.Contains("not used", report.ToString());

        var (_, parameters, gptReport) = LoadFixture("gpt2-tiny-random", new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Classification });
        Assert.Equal(["classifier.out.weight"], gptReport.Initialized);
        Assert.Equal(["score.weight"], gptReport.MissingHfKeys);
        Assert.All(parameters.Values["classifier.out.weight"], v => Assert.True(float.IsNaN(v)));
        Assert.Contains("newly initialized: score.weight", gptReport.ToString());
    }

    [Fact]
    public void Gpt2ConvWeightsAreTransposedAndCAttnSplitIntoQueryKeyValue()
    {
        var (config, parameters, report) = LoadFixture("gpt2-tiny-random", new HashSet<KeyGroup> { KeyGroup.Encoder });
        Assert.True(report.IsExact);
        using var file = SafetensorsFile.Open(TestSupport.RepoPaths.Fixture("parity", "gpt2-tiny-random", "model.safetensors"));
        var h = config.HiddenSize;
        var cAttn = file.ReadFloat32("transformer.h.1.attn.c_attn.weight"); // [in = h, out = 3h]
        var key = parameters.Values["layers.1.attention.key.weight"];       // [out = h, in = h]
        for (var o = 0; o < h; o++)
            for (var i = 0; i < h; i++)
                Assert.Equal(cAttn[i * 3 * h + h + o], key[o * h + i]);
        var cAttnBias = file.ReadFloat32("transformer.h.0.attn.c_attn.bias");
        Assert.Equal(cAttnBias[(2 * h)..], parameters.Values["layers.0.attention.value.bias"]);
        var cFc = file.ReadFloat32("transformer.h.0.mlp.c_fc.weight"); // [h, 4h]
        var up = parameters.Values["layers.0.ffn.up.weight"];          // [4h, h]
        Assert.Equal(cFc[5 * 4 * h + 7], up[7 * h + 5]);
    }

    [Theory]
    [InlineData("bert-tiny-random")]
    [InlineData("gpt2-tiny-random")]
    public void SaveThenLoadReproducesEveryTensorAndKey(string fixture)
    {
        var groups = fixture.StartsWith("bert", StringComparison.Ordinal) ? All : new HashSet<KeyGroup> { KeyGroup.Encoder };
        var (config, parameters, _) = LoadFixture(fixture, groups);
        using var target = new TempFolder();
        var written = CheckpointSaver.Save(target.Path, config, groups, parameters.Read, TestSupport.RepoPaths.Fixture("parity", fixture));
        using (var original = SafetensorsFile.Open(TestSupport.RepoPaths.Fixture("parity", fixture, "model.safetensors")))
        using (var saved = SafetensorsFile.Open(target.File("model.safetensors")))
        {
            Assert.Equal(original.Tensors.Keys.OrderBy(k => k, StringComparer.Ordinal), written);
            foreach (var name in written)
                Assert.True(original.RawBytes(name).SequenceEqual(saved.RawBytes(name)), name);
        }
        Assert.True(File.Exists(target.File("tokenizer_config.json")));
        var reread = TransformerConfigReader.Read(target.File("config.json"));
        Assert.Equal(config.HiddenSize, reread.HiddenSize);
        using var folder = CheckpointFolder.Open(target.Path);
        var again = new DictionaryParameters(reread, groups);
        Assert.True(CheckpointLoader.Load(folder, reread, groups, again.View).IsExact);
    }

    [Fact]
    public void UnprefixedKeysOldGammaBetaNamesBuffersAndTiedCopiesAreAccepted()
    {
        var config = SizePresets.Create("tiny", ModelFamily.Bert, vocabSize: 20) with { NumLayers = 1, MaxPositions = 8 };
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.MaskedLm };
        var tensors = KeyTable.For(ModelFamily.Bert).Expand(config, groups).Select(m =>
        {
            var name = m.HfName.StartsWith("bert.", StringComparison.Ordinal) ? m.HfName["bert.".Length..] : m.HfName;
            name = name.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta");
            return new SafetensorsTensor(name, m.HfShape.ToArray(), Enumerable.Repeat(0.25f, m.ElementCount).ToArray());
        }).ToList();
        tensors.Add(new SafetensorsTensor("embeddings.position_ids", [1, 8], new float[8], SafetensorsDType.BF16));
        tensors.Add(new SafetensorsTensor("cls.predictions.decoder.weight", [20, 128], new float[20 * 128]));
        using var folder = new TempFolder();
        SafetensorsWriter.Write(folder.File("model.safetensors"), tensors);
        using var checkpoint = CheckpointFolder.Open(folder.Path);
        var parameters = new DictionaryParameters(config, groups);
        var report = CheckpointLoader.Load(checkpoint, config, groups, parameters.View);
        Assert.True(report.IsExact, report.ToString());
        Assert.Equal(["embeddings.position_ids"], report.Ignored);
        Assert.Equal(["cls.predictions.decoder.weight"], report.TiedSkipped);
        Assert.All(parameters.Values["embeddings.norm.weight"], v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public void MissingEncoderWeightIsAnErrorNamingTheKey()
    {
        using var folder = new TempFolder();
        var config = SizePresets.Create("tiny", ModelFamily.Gpt2, vocabSize: 10) with { NumLayers = 1, MaxPositions = 4 };
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder };
        var tensors = KeyTable.For(ModelFamily.Gpt2).Expand(config, groups)
            .Where(m => m.HfName != "transformer.h.0.ln_2.bias").GroupBy(m => m.HfName)
            .Select(g => new SafetensorsTensor(g.Key, g.First().HfShape.ToArray(), new float[g.First().HfShape.Aggregate(1L, (a, b) => a * b)]));
        SafetensorsWriter.Write(folder.File("model.safetensors"), tensors);
        using var checkpoint = CheckpointFolder.Open(folder.Path);
        var parameters = new DictionaryParameters(config, groups, fill: 7f);
        var error = Assert.Throws<InvalidDataException>(() => CheckpointLoader.Load(checkpoint, config, groups, parameters.View));
        Assert.Contains("transformer.h.0.ln_2.bias", error.Message);
        Assert.All(parameters.Values.Values.SelectMany(v => v), v => Assert.Equal(7f, v));
    }

    [Fact]
    public void ShapeMismatchWithConfigNamesFileTensorAndShapesBeforeWritingAnything()
    {
        var directory = TestSupport.RepoPaths.Fixture("parity", "bert-tiny-random");
        var config = TransformerConfigReader.Read(Path.Combine(directory, "config.json")) with { IntermediateSize = 96 };
        using var folder = CheckpointFolder.Open(directory);
        var parameters = new DictionaryParameters(config, All, fill: 7f);
        var error = Assert.Throws<InvalidDataException>(() => CheckpointLoader.Load(folder, config, All, parameters.View));
        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains("bert.encoder.layer.0.intermediate.dense.", error.Message);
        Assert.Contains("[128", error.Message);
        Assert.Contains("[96", error.Message);
        Assert.All(parameters.Values.Values.SelectMany(v => v), v => Assert.Equal(7f, v));
    }

    [Fact]
    public void MismatchedHeadSizeCanBeReinitializedOnRequest()
    {
        var directory = TestSupport.RepoPaths.Fixture("parity", "bert-tiny-random");
        var config = TransformerConfigReader.Read(Path.Combine(directory, "config.json")) with { Labels = ["neg", "pos"] };
        using var folder = CheckpointFolder.Open(directory);
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Pooler, KeyGroup.Classification };
        Assert.Throws<InvalidDataException>(() => CheckpointLoader.Load(folder, config, groups, new DictionaryParameters(config, groups).View));
        var report = CheckpointLoader.Load(folder, config, groups, new DictionaryParameters(config, groups).View, ignoreMismatchedHeadSizes: true);
        Assert.Equal(["classifier.out.weight", "classifier.out.bias"], report.Initialized);
    }

    [Fact]
    public void ShardedFolderLoadsThroughTheWeightMap()
    {
        var directory = TestSupport.RepoPaths.Fixture("parity", "gpt2-tiny-random");
        using var original = SafetensorsFile.Open(Path.Combine(directory, "model.safetensors"));
        using var folder = new TempFolder();
        var names = original.Tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var shards = new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" };
        var map = new Dictionary<string, string>();
        for (var s = 0; s < 2; s++)
        {
            var part = names.Where((_, i) => i % 2 == s).ToList();
            SafetensorsWriter.Write(folder.File(shards[s]), part.Select(n =>
                new SafetensorsTensor(n, original.Tensors[n].Shape.ToArray(), original.ReadFloat32(n))));
            foreach (var n in part) map[n] = shards[s];
        }
        File.WriteAllText(folder.File("model.safetensors.index.json"),
            System.Text.Json.JsonSerializer.Serialize(new { metadata = new { total_size = 1 }, weight_map = map }));
        File.Copy(Path.Combine(directory, "config.json"), folder.File("config.json"));
        var config = TransformerConfigReader.Read(folder.File("config.json"));
        using var checkpoint = CheckpointFolder.Open(folder.Path);
        Assert.Equal(2, checkpoint.Files.Count);
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder };
        var parameters = new DictionaryParameters(config, groups);
        Assert.True(CheckpointLoader.Load(checkpoint, config, groups, parameters.View).IsExact);
        Assert.Equal(original.ReadFloat32("transformer.wte.weight"), parameters.Values["embeddings.word"]);

        File.Delete(folder.File(shards[1]));
        Assert.Contains(shards[1], Assert.Throws<FileNotFoundException>(() => CheckpointFolder.Open(folder.Path).Dispose()).Message);
    }

    [Fact]
    public void Int64BufferInARealLayoutIsIgnoredNotRead()
    {
        // The fixture's GPT-2 file plus an int64 attn.bias buffer appended, as older conversions store it.
        var directory = TestSupport.RepoPaths.Fixture("parity", "gpt2-tiny-random");
        var bytes = File.ReadAllBytes(Path.Combine(directory, "model.safetensors"));
        var headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        var header = System.Text.Json.Nodes.JsonNode.Parse(bytes.AsSpan(8, headerLength))!.AsObject();
        var dataLength = bytes.Length - 8 - headerLength;
        header["transformer.h.0.attn.bias"] = System.Text.Json.Nodes.JsonNode.Parse(
            $$"""{"dtype":"I64","shape":[1],"data_offsets":[{{dataLength}},{{dataLength + 8}}]}""");
        using var folder = new TempFolder();
        RawSafetensors.Write(folder.File("model.safetensors"), header.ToJsonString(), [.. bytes.AsSpan(8 + headerLength), .. new byte[8]]);
        File.Copy(Path.Combine(directory, "config.json"), folder.File("config.json"));
        var config = TransformerConfigReader.Read(folder.File("config.json"));
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder };
        using var checkpoint = CheckpointFolder.Open(folder.Path);
        var report = CheckpointLoader.Load(checkpoint, config, groups, new DictionaryParameters(config, groups).View);
        Assert.Equal(["transformer.h.0.attn.bias"], report.Ignored);
        Assert.True(report.IsExact);
    }

    [Fact]
    public void LegacyPickleFolderSaysResaveOrConvert()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("pytorch_model.bin"), [0x80, 0x02]);
        var error = Assert.Throws<InvalidDataException>(() => CheckpointFolder.Open(folder.Path));
        Assert.Contains("not a PyTorch zip checkpoint", error.Message);
        Assert.Contains("convert to safetensors", error.Message);
        File.Delete(folder.File("pytorch_model.bin"));
        Assert.Contains("no model.safetensors", Assert.Throws<FileNotFoundException>(() => CheckpointFolder.Open(folder.Path)).Message);
    }
}
