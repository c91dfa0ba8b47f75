// "all-linear" (the LoRA default since issue 16): every dense layer of every block in each family, never a head;
// PEFT's adapter_config.json gets the module names it selected, which load back to the same modules.
using System.Text.Json;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Adapters;

public sealed class LoraAllLinearTests
{
    [Theory]
    [InlineData(ModelFamily.Bert, 6)]
    [InlineData(ModelFamily.Roberta, 6)]
    [InlineData(ModelFamily.DistilBert, 6)]
    [InlineData(ModelFamily.Gpt2, 4)] // c_attn (fused Q|K|V), attn.c_proj, mlp.c_fc, mlp.c_proj
    public void All_linear_selects_every_dense_layer_of_the_blocks(ModelFamily family, int perLayer)
    {
        var config = AdapterTestKit.SmallConfig(family);
        var modules = LoraTargets.Resolve(config, [LoraTargets.AllLinear]);
        Assert.Equal(perLayer * config.NumLayers, modules.Count);
        Assert.Equal(LoraTargets.BlockDenseLayers.Count * config.NumLayers, modules.Sum(m => m.Parts.Count));
        Assert.DoesNotContain(modules, m => m.ModuleName.Contains("classifier") || m.ModuleName.Contains("pooler"));
    }

    [Fact]
    public void The_default_is_all_linear_with_alpha_twice_the_rank()
    {
        var options = new LoraOptions();
        Assert.Equal([LoraTargets.AllLinear], options.TargetModules);
        Assert.Equal(2f, options.Scaling);
    }

    [Fact]
    public void All_linear_is_saved_as_the_selected_module_names_and_loads_back()
    {
        var config = AdapterTestKit.SmallConfig();
        var adapter = LoraAdapter.Create(config, new LoraOptions { Rank = 2 });
        AdapterTestKit.Randomize(adapter.Parameters, 0.3f, 3);
        var folder = AdapterTestKit.TempFolder();
        PeftLoraFormat.Save(adapter, folder);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "adapter_config.json")));
        var targets = json.RootElement.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(adapter.Modules.Select(m => m.ModuleName), targets);
        Assert.Contains("bert.encoder.layer.0.intermediate.dense", targets);
        var loaded = PeftLoraFormat.Load(folder, config);
        Assert.Equal(adapter.Modules.Select(m => m.ModuleName), loaded.Modules.Select(m => m.ModuleName));
        Assert.Equal(adapter.Parameters.Layout.TrainableLength, loaded.Parameters.Layout.TrainableLength);
    }
}
