// Issue 13 items 1, 4 and 5 for model folders: a symlinked model.safetensors (the Hugging Face cache layout)
// loads; JSON type confusion in the header, the shard index and adapter configs is an InvalidDataException
// naming the file and field; sizes in config.json and adapter_config.json that the weights do not have are
// refused before a model of those sizes is allocated; loading for inference allocates no gradients or moments.
using System.Text.Json.Nodes;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tests.Adapters;
using LlmMlNet.Transformers.Tests.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

public sealed class MalformedCheckpointTests
{
    private static readonly HashSet<KeyGroup> EncoderOnly = [KeyGroup.Encoder];

    private static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }

    [Fact]
    public void SymlinkedWeightsLoadLikeTheFileTheyPointTo()
    {
        using var temp = new TempFolder();
        var source = FamilyFixture.PathOf("bert");
        File.Copy(Path.Combine(source, "config.json"), temp.File("config.json"));
        Directory.CreateDirectory(temp.File("blobs"));
        File.Copy(Path.Combine(source, "model.safetensors"), temp.File("blobs/abc123"));
        File.CreateSymbolicLink(temp.File("model.safetensors"), temp.File("blobs/abc123"));
        var linked = TransformerParameters.FromPretrained(temp.Path, EncoderOnly, out _);
        var direct = TransformerParameters.FromPretrained(source, EncoderOnly, out _);
        Assert.Equal(direct.Set.Values, linked.Set.Values);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", "data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", "shape")]
    [InlineData("{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype")]
    [InlineData("{\"w\":[1,2]}", "not an object")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"__metadata__\":[1]}", "__metadata__")]
    public void HeaderTypeConfusionIsNamed(string header, string expected)
    {
        using var temp = new TempFolder();
        var path = temp.File("model.safetensors");
        var json = System.Text.Encoding.UTF8.GetBytes(header);
        using (var stream = File.Create(path))
        {
            stream.Write(BitConverter.GetBytes((ulong)json.Length));
            stream.Write(json);
            stream.Write(new byte[4]);
        }
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("{\"weight_map\": [\"a\"]}")]
    [InlineData("{\"weight_map\": {\"w\": 3}}")]
    [InlineData("{\"weight_map\": ")]
    public void ShardIndexTypeConfusionIsNamed(string index)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File(CheckpointFolder.IndexFileName), index);
        var e = Assert.Throws<InvalidDataException>(() => CheckpointFolder.Open(temp.Path).Dispose());
        Assert.Contains(temp.File(CheckpointFolder.IndexFileName), e.Message);
    }

    [Theory]
    [InlineData("vocab_size", 5_000_000, "word_embeddings")]
    [InlineData("num_hidden_layers", 1000, "lacks encoder weight")]
    [InlineData("hidden_size", 4096, "expects")]
    public void ConfigSizesTheWeightsDoNotHaveAreRefusedBeforeAllocation(string field, int value, string expected)
    {
        using var temp = new TempFolder();
        CopyFolder(FamilyFixture.PathOf("bert"), temp.Path);
        var config = JsonNode.Parse(File.ReadAllText(temp.File("config.json")))!;
        config[field] = value;
        if (field == "hidden_size") config["num_attention_heads"] = 4;
        File.WriteAllText(temp.File("config.json"), config.ToJsonString());
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => TransformerParameters.FromPretrained(temp.Path, EncoderOnly, out _));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // vocab 5M × hidden 16 or hidden 4096 would be 320 MB and more of float32; names of 1000 layers' keys take ~22 MB.
        Assert.True(allocated < 40_000_000, $"allocated {allocated:N0} bytes before refusing");
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void LoadingForInferenceAllocatesNoGradientsOrMoments()
    {
        var parameters = TransformerParameters.FromPretrained(FamilyFixture.PathOf("bert"), EncoderOnly, out _);
        var model = new TransformerModel(parameters, 1, 4);
        model.Commit();
        model.Forward(new ModelBatch(1, 4, [1, 2, 3, 4], null, null));
        Assert.False(parameters.Set.HasTrainingBuffers);
        Assert.Equal(parameters.Set.Layout.TrainableLength, parameters.Set.Gradients.Length);
        Assert.True(parameters.Set.HasTrainingBuffers);
    }

    [Theory]
    [InlineData("{\"peft_type\": \"LORA\", \"r\": ", "not valid JSON")]
    [InlineData("{\"peft_type\": \"LORA\", \"r\": 8.5, \"lora_alpha\": 8, \"target_modules\": [\"query\"]}", "'r' must be a positive integer, got 8.5")]
    [InlineData("{\"peft_type\": \"LORA\", \"r\": 1e20, \"lora_alpha\": 8, \"target_modules\": [\"query\"]}", "'r' must be a positive integer, got 1e20")]
    [InlineData("{\"peft_type\": \"LORA\", \"r\": \"8\", \"lora_alpha\": 8, \"target_modules\": [\"query\"]}", "field 'r' is String")]
    [InlineData("[\"LORA\"]", "expected a JSON object")]
    public void MalformedAdapterConfigIsNamed(string json, string expected)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File(PeftLoraFormat.ConfigFileName), json);
        var e = Assert.Throws<InvalidDataException>(() => PeftLoraFormat.ReadOptions(temp.Path));
        Assert.Contains(temp.File(PeftLoraFormat.ConfigFileName), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void AdapterRankTheWeightsDoNotHaveIsRefusedBeforeAllocation()
    {
        using var temp = new TempFolder();
        var config = AdapterTestKit.SmallConfig();
        PeftLoraFormat.Save(LoraAdapter.Create(config, new LoraOptions { Rank = 2 }), temp.Path);
        var path = temp.File(PeftLoraFormat.ConfigFileName);
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        node["r"] = 1_000_000;
        File.WriteAllText(path, node.ToJsonString());
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => PeftLoraFormat.Load(temp.Path, config));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 20_000_000);
        Assert.Contains("r is 1000000", e.Message);
        Assert.Contains(path, e.Message);
    }
}
