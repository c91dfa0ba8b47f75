// Bottleneck adapter invariants: backward against central finite differences, identity at
// initialisation (zero up-projection), only adapter tensors train, and a save/load round trip that
// gives identical outputs, with errors naming the file for a mismatched model.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Tests.Layers;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Adapters;

public sealed class BottleneckAdapterTests
{
    private const int Rows = 4;

    [Theory]
    [InlineData(ActivationFunction.Relu)]
    [InlineData(ActivationFunction.Gelu)]
    public void Backward_matches_finite_differences(ActivationFunction activation)
    {
        var config = AdapterTestKit.SmallConfig();
        var adapter = BottleneckAdapter.Create(config, new BottleneckOptions { BottleneckSize = 3, Activation = activation });
        AdapterTestKit.Randomize(adapter.Parameters, 0.6f, 2);
        var arena = new ActivationArena();
        var layer = adapter.CreateLayerFactory(AdapterTestKit.FrozenBase(config), arena, Rows)("layers.0.ffn.down");
        arena.Commit();
        // Float forward, double loss, h = 1e-2 (ReLU kinks are rare at these values): 3e-3 absolute + 1e-2 relative.
        LayerTestKit.CheckDenseLayerGradients(layer, adapter.Parameters, Rows, 3, 4, 3e-3, 1e-2);
    }

    [Fact]
    public void Fresh_adapters_are_the_identity_and_sit_after_attention_and_ffn_only()
    {
        var config = AdapterTestKit.SmallConfig();
        var adapter = BottleneckAdapter.Create(config, new BottleneckOptions { BottleneckSize = 4 });
        Assert.Equal(["layers.0.attention.output", "layers.0.ffn.down", "layers.1.attention.output", "layers.1.ffn.down"], adapter.Sites);
        Assert.Equal(4L * (2 * 4 * 8 + 4 + 8), adapter.ParameterCount);
        var baseSet = AdapterTestKit.FrozenBase(config);
        var arena = new ActivationArena();
        var factory = adapter.CreateLayerFactory(baseSet, arena, Rows);
        var wrapped = factory("layers.1.attention.output");
        Assert.IsType<BottleneckLayer>(wrapped);
        Assert.IsType<Linear>(factory("layers.1.attention.query"));
        var plain = new Linear(baseSet, "layers.1.attention.output.weight", "layers.1.attention.output.bias");
        arena.Commit();
        var x = LayerTestKit.RandomArray(Rows * 8, 5);
        var y1 = new float[Rows * 8];
        var y2 = new float[Rows * 8];
        wrapped.Forward(x, y1, Rows);
        plain.Forward(x, y2, Rows);
        Assert.Equal(y2, y1);
        Assert.NotEqual(0f, adapter.Parameters.View("layers.0.ffn.down.adapter.down.weight")[0]);
    }

    [Fact]
    public void Save_and_load_round_trip_to_identical_outputs()
    {
        var config = AdapterTestKit.SmallConfig();
        var adapter = BottleneckAdapter.Create(config, new BottleneckOptions { BottleneckSize = 5, Activation = ActivationFunction.GeluTanh, AfterAttention = false },
            b => b.Add("classifier.out.weight", [2, 8]));
        AdapterTestKit.Randomize(adapter.Parameters, 0.4f, 8);
        var folder = AdapterTestKit.TempFolder();
        BottleneckAdapterFormat.Save(adapter, folder);
        var loaded = BottleneckAdapterFormat.Load(folder, config);
        Assert.Equal(adapter.Options with { InitStd = loaded.Options.InitStd, Seed = loaded.Options.Seed }, loaded.Options);
        Assert.False(loaded.Parameters.Layout.Contains("classifier.out.weight"));
        var baseSet = AdapterTestKit.FrozenBase(config);
        var outputs = new[] { adapter, loaded }.Select(a =>
        {
            var arena = new ActivationArena();
            var layer = a.CreateLayerFactory(baseSet, arena, Rows)("layers.1.ffn.down");
            arena.Commit();
            var y = new float[Rows * 8];
            layer.Forward(LayerTestKit.RandomArray(Rows * 16, 6), y, Rows);
            return y;
        }).ToArray();
        Assert.Equal(outputs[0], outputs[1]);

        var wrong = Assert.Throws<InvalidDataException>(() => BottleneckAdapterFormat.Load(folder, AdapterTestKit.SmallConfig(hidden: 12)));
        Assert.Contains(BottleneckAdapterFormat.ConfigFileName, wrong.Message);
        Directory.Delete(folder, true);
    }
}
