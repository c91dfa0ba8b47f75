// LoRA target selection by Hugging Face or our names (PEFT's suffix rule), the parameter budget on a
// BERT-base-sized config, and PEFT's file layout: adapter_config.json fields, safetensors keys and
// shapes, a lossless round trip, and clear errors for bad files.
using System.Text.Json;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Adapters;

public sealed class LoraTargetsAndFilesTests
{
    [Theory]
    [InlineData("query", 2)]
    [InlineData("attention.self.query", 2)]
    [InlineData("layers.1.attention.query", 1)]
    [InlineData("dense", 6)] // attention.output.dense, intermediate.dense, output.dense per layer
    public void Targets_match_whole_dotted_suffixes(string target, int expected)
    {
        var modules = LoraTargets.Resolve(AdapterTestKit.SmallConfig(), [target]);
        Assert.Equal(expected, modules.Count);
        Assert.All(modules, m => Assert.Single(m.Parts));
    }

    [Fact]
    public void Unknown_or_partial_fused_targets_fail_naming_the_target()
    {
        var e = Assert.Throws<ArgumentException>(() => LoraTargets.Resolve(AdapterTestKit.SmallConfig(), ["query", "qkv"]));
        Assert.Contains("'qkv'", e.Message);
        Assert.Contains("bert.encoder.layer.0.attention.self.query", e.Message);
        var fused = Assert.Throws<ArgumentException>(() => LoraTargets.Resolve(AdapterTestKit.SmallConfig(ModelFamily.Gpt2), ["attention.query"]));
        Assert.Contains("c_attn", fused.Message);
        Assert.Throws<ArgumentException>(() => new LoraOptions { Rank = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new LoraOptions { Dropout = 1f }.Validate());
    }

    [Fact]
    public void Lora_on_a_bert_base_sized_config_trains_under_one_percent_of_parameters()
    {
        var config = SizePresets.Create("base", ModelFamily.Bert);
        var adapter = LoraAdapter.Create(config, new LoraOptions { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] });
        long baseCount = KeyTable.For(ModelFamily.Bert).Expand(config, new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Pooler, KeyGroup.Classification })
            .Sum(m => (long)m.ElementCount);
        long head = config.HiddenSize * config.NumLabels + config.NumLabels;
        long trainable = adapter.ParameterCount + head;
        Assert.Equal(12L * 2 * 8 * (768 + 768), adapter.ParameterCount);
        Assert.Equal(adapter.ParameterCount, adapter.Parameters.Layout.TrainableLength);
        double fraction = (double)trainable / (baseCount + adapter.ParameterCount);
        Assert.True(fraction < 0.01, $"LoRA trains {fraction:P3} of {baseCount + adapter.ParameterCount} parameters");
        Assert.True(baseCount > 100_000_000);
    }

    [Fact]
    public void Peft_files_have_peft_keys_shapes_and_config_and_round_trip()
    {
        var config = AdapterTestKit.SmallConfig();
        var adapter = LoraAdapter.Create(config, new LoraOptions { Rank = 4, Alpha = 16, Dropout = 0.1f, TargetModules = ["query", "value"] });
        AdapterTestKit.Randomize(adapter.Parameters, 0.3f, 5);
        var folder = AdapterTestKit.TempFolder();
        var head = new SafetensorsTensor("classifier.weight", [2, 8], Enumerable.Range(0, 16).Select(i => i * 0.5f).ToArray());
        PeftLoraFormat.Save(adapter, folder, "bert-base-uncased", "SEQ_CLS", [head]);

        using (var file = SafetensorsFile.Open(Path.Combine(folder, PeftLoraFormat.WeightsFileName)))
        {
            var shapes = file.Tensors.ToDictionary(t => t.Key, t => t.Value.ShapeText);
            Assert.Equal(2 * 2 * 2 + 1, shapes.Count);
            Assert.Equal("[4, 8]", shapes["base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight"]);
            Assert.Equal("[8, 4]", shapes["base_model.model.bert.encoder.layer.0.attention.self.query.lora_B.weight"]);
            Assert.Equal("[8, 4]", shapes["base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.weight"]);
            Assert.Equal("[2, 8]", shapes["base_model.model.classifier.weight"]);
            Assert.Equal("pt", file.Header.Metadata["format"]);
        }
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, PeftLoraFormat.ConfigFileName))))
        {
            var root = json.RootElement;
            Assert.Equal("LORA", root.GetProperty("peft_type").GetString());
            Assert.Equal(4, root.GetProperty("r").GetInt32());
            Assert.Equal(16, root.GetProperty("lora_alpha").GetDouble());
            Assert.Equal(0.1, root.GetProperty("lora_dropout").GetDouble(), 6);
            Assert.Equal(["query", "value"], root.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("bert-base-uncased", root.GetProperty("base_model_name_or_path").GetString());
            Assert.Equal("SEQ_CLS", root.GetProperty("task_type").GetString());
            Assert.Equal("none", root.GetProperty("bias").GetString());
            Assert.Equal(["classifier"], root.GetProperty("modules_to_save").EnumerateArray().Select(e => e.GetString()));
        }
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));

        var heads = new Dictionary<string, float[]>();
        var loaded = PeftLoraFormat.Load(folder, config, heads);
        Assert.Equal(adapter.Parameters.Values, loaded.Parameters.Values);
        Assert.Equal(adapter.Options.Alpha, loaded.Options.Alpha);
        Assert.Equal(head.Values.ToArray(), heads["classifier.weight"]);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void Gpt2_c_attn_adapter_is_saved_fused_as_peft_does()
    {
        var config = AdapterTestKit.SmallConfig(ModelFamily.Gpt2);
        var adapter = LoraAdapter.Create(config, new LoraOptions { Rank = 2, TargetModules = ["c_attn"] });
        var folder = AdapterTestKit.TempFolder();
        PeftLoraFormat.Save(adapter, folder, null, "CAUSAL_LM");
        using var file = SafetensorsFile.Open(Path.Combine(folder, PeftLoraFormat.WeightsFileName));
        Assert.Equal("[2, 8]", file.Tensors["base_model.model.transformer.h.1.attn.c_attn.lora_A.weight"].ShapeText);
        Assert.Equal("[24, 2]", file.Tensors["base_model.model.transformer.h.1.attn.c_attn.lora_B.weight"].ShapeText);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, PeftLoraFormat.ConfigFileName)));
        Assert.True(json.RootElement.GetProperty("fan_in_fan_out").GetBoolean());
        Directory.Delete(folder, true);
    }

    [Fact]
    public void Loading_bad_files_fails_naming_the_file_and_field()
    {
        var config = AdapterTestKit.SmallConfig();
        var folder = AdapterTestKit.TempFolder();
        var missing = Assert.Throws<InvalidDataException>(() => PeftLoraFormat.Load(folder, config));
        Assert.Contains("adapter_config.json", missing.Message);
        File.WriteAllText(Path.Combine(folder, PeftLoraFormat.ConfigFileName), """{"peft_type": "LORA", "lora_alpha": 8, "target_modules": ["query"]}""");
        var field = Assert.Throws<InvalidDataException>(() => PeftLoraFormat.Load(folder, config));
        Assert.Contains("'r'", field.Message);
        PeftLoraFormat.Save(LoraAdapter.Create(config, new LoraOptions { Rank = 2, TargetModules = ["query"] }), folder);
        var otherConfig = AdapterTestKit.SmallConfig(hidden: 12);
        var shape = Assert.Throws<InvalidDataException>(() => PeftLoraFormat.Load(folder, otherConfig));
        Assert.Contains("lora_A.weight", shape.Message);
        Directory.Delete(folder, true);
    }
}
