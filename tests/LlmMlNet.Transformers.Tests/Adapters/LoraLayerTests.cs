// LoRA layer invariants: backward against central finite differences (A, B and the input, with and
// without dropout), the zero-B start equal to the base layer, merge/unmerge as exact inverses, merged
// outputs equal to unmerged ones, and frozen base weights without gradient storage.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Tests.Layers;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Adapters;

public sealed class LoraLayerTests
{
    private const int Rows = 5;

    private static (LoraAdapter Adapter, ParameterSet Base, LoraLayerFactory Factory, ActivationArena Arena) Build(
        LoraOptions options, ModelFamily family = ModelFamily.Bert, bool randomB = true)
    {
        var config = AdapterTestKit.SmallConfig(family);
        var baseSet = AdapterTestKit.FrozenBase(config);
        var adapter = LoraAdapter.Create(config, options);
        if (randomB)
            foreach (var m in adapter.Modules)
                Tensors.ParameterInit.Uniform(adapter.Parameters.View(m.BName), 0.5f, 3, Tensors.ParameterInit.StreamOf(m.BName));
        var arena = new ActivationArena();
        var factory = adapter.CreateLayerFactory(baseSet, arena, Rows);
        return (adapter, baseSet, factory, arena);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.3f)]
    public void Backward_matches_finite_differences_for_A_B_and_input(float dropout)
    {
        var (adapter, _, factory, arena) = Build(new LoraOptions { Rank = 3, Alpha = 6, Dropout = dropout, TargetModules = ["query"] });
        factory.State = new TrainingState(5) { IsTraining = true, Step = 2 };
        var layer = factory.Create("layers.0.attention.query");
        Assert.IsType<LoraLinear>(layer);
        arena.Commit();
        // Float forward, double loss, h = 1e-2: tolerance 2e-3 absolute + 1e-2 relative.
        LayerTestKit.CheckDenseLayerGradients(layer, adapter.Parameters, Rows, 1, 2, 2e-3, 1e-2);
    }

    [Fact]
    public void Fused_gpt2_c_attn_parts_share_A_and_sum_its_gradient()
    {
        var (adapter, _, factory, arena) = Build(new LoraOptions { Rank = 2, TargetModules = ["c_attn"] }, ModelFamily.Gpt2);
        var module = Assert.Single(adapter.Modules, m => m.ModuleName == "transformer.h.0.attn.c_attn");
        Assert.Equal(3 * 8, module.OutFeatures);
        var parts = new[] { "query", "key", "value" }.Select(p => factory.Create("layers.0.attention." + p)).ToArray();
        arena.Commit();
        var x = LayerTestKit.RandomArray(Rows * 8, 4);
        var w = new[] { 5, 6, 7 }.Select(s => LayerTestKit.RandomArray(Rows * 8, s)).ToArray();
        var y = new float[Rows * 8];
        double Loss()
        {
            double sum = 0;
            for (int i = 0; i < 3; i++) { parts[i].Forward(x, y, Rows); sum += LayerTestKit.Dot(w[i], y); }
            return sum;
        }
        adapter.Parameters.ZeroGradients();
        for (int i = 0; i < 3; i++) { parts[i].Forward(x, y, Rows); parts[i].Backward(x, w[i], [], Rows); }
        var gradA = adapter.Parameters.Gradient(adapter.Parameters.Handle(module.AName)).ToArray();
        var gradB = adapter.Parameters.Gradient(adapter.Parameters.Handle(module.BName)).ToArray();
        var a = adapter.Parameters.Handle(module.AName);
        var b = adapter.Parameters.Handle(module.BName);
        // Tolerance as above: 2e-3 absolute + 1e-2 relative.
        LayerTestKit.CheckGradient(adapter.Parameters.Values, a.Offset, a.Length, gradA, Loss, 2e-3, 1e-2, "A");
        LayerTestKit.CheckGradient(adapter.Parameters.Values, b.Offset, b.Length, gradB, Loss, 2e-3, 1e-2, "B", maxChecks: 48);
    }

    [Fact]
    public void Fresh_adapter_equals_base_layer_and_A_is_kaiming_uniform()
    {
        var (adapter, baseSet, factory, arena) = Build(new LoraOptions { Rank = 4, TargetModules = ["value"] }, randomB: false);
        var layer = factory.Create("layers.1.attention.value");
        var plain = new Linear(baseSet, "layers.1.attention.value.weight", "layers.1.attention.value.bias");
        arena.Commit();
        var x = LayerTestKit.RandomArray(Rows * 8, 9);
        var y1 = new float[Rows * 8];
        var y2 = new float[Rows * 8];
        layer.Forward(x, y1, Rows);
        plain.Forward(x, y2, Rows);
        Assert.Equal(y2, y1);
        var aValues = adapter.Parameters.View(adapter.Modules[0].AName).ToArray();
        float bound = 1f / MathF.Sqrt(8);
        Assert.All(aValues, v => Assert.InRange(v, -bound, bound));
        Assert.True(aValues.Max() > bound / 2 && aValues.Min() < -bound / 2, "A spreads over its bound");
    }

    [Fact]
    public void Merge_then_unmerge_restores_weights_and_merged_outputs_equal_unmerged()
    {
        var (adapter, baseSet, factory, arena) = Build(new LoraOptions { Rank = 4, Alpha = 16, TargetModules = ["query", "value", "ffn.up"] });
        var layers = new[] { "layers.0.attention.query", "layers.1.ffn.up" }.Select(factory.Create).ToArray();
        arena.Commit();
        var before = baseSet.Values.ToArray();
        foreach (var layer in layers)
        {
            var x = LayerTestKit.RandomArray(Rows * layer.InFeatures, 10);
            var unmerged = new float[Rows * layer.OutFeatures];
            var merged = new float[Rows * layer.OutFeatures];
            layer.Forward(x, unmerged, Rows);
            adapter.Merge(baseSet);
            Assert.True(adapter.IsMerged);
            layer.Forward(x, merged, Rows);
            adapter.Unmerge(baseSet);
            for (int i = 0; i < merged.Length; i++) Assert.Equal(unmerged[i], merged[i], 1e-4f);
        }
        Assert.NotEqual(0f, adapter.Parameters.View(adapter.Modules[0].BName)[0]);
        // W + s·BA - s·BA: within float rounding of |W| + |s·BA| (about 2 ulp at these magnitudes).
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], baseSet.Values[i], 1e-6f);
        adapter.MergeAndUnload(baseSet);
        Assert.Throws<InvalidOperationException>(() => layers[0].Backward(new float[Rows * 8], new float[Rows * 8], [], Rows));
    }

    [Fact]
    public void Frozen_base_has_no_gradient_storage_and_only_adapter_tensors_get_gradients()
    {
        var (adapter, baseSet, factory, arena) = Build(new LoraOptions { Rank = 2, TargetModules = ["query"] });
        Assert.Empty(baseSet.Gradients);
        Assert.Empty(baseSet.FirstMoments);
        var layer = factory.Create("layers.0.attention.query");
        var plain = factory.Create("layers.0.attention.key");
        Assert.IsType<Linear>(plain);
        arena.Commit();
        var x = LayerTestKit.RandomArray(Rows * 8, 1);
        var y = new float[Rows * 8];
        layer.Forward(x, y, Rows);
        layer.Backward(x, y, new float[x.Length], Rows);
        Assert.Equal(adapter.Parameters.Layout.TrainableLength, adapter.Parameters.Gradients.Length);
        Assert.Contains(adapter.Parameters.Gradients, g => g != 0f);
    }
}
