// Counter-based RNG and parameter init (reproducible, distribution sanity), parameter layout
// (trainable prefix, decay ranges, views), and the activation arena's two-phase contract.
using LlmMlNet.Tensors.Memory;
using Xunit;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class RandomAndMemoryTests
{
    [Fact]
    public void Normal_init_is_reproducible_and_has_the_requested_moments()
    {
        var a = new float[20_000]; var b = new float[20_000]; var c = new float[20_000];
        ParameterInit.Normal(a, 0.02f, 42, ParameterInit.StreamOf("w"));
        ParameterInit.Normal(b, 0.02f, 42, ParameterInit.StreamOf("w"));
        ParameterInit.Normal(c, 0.02f, 42, ParameterInit.StreamOf("v"));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        double mean = a.Average(x => (double)x), sd = Math.Sqrt(a.Average(x => (double)x * x) - mean * mean);
        Assert.InRange(mean, -0.0005, 0.0005); // sd/√n = 1.4e-4
        Assert.InRange(sd, 0.0196, 0.0204);
    }

    [Fact]
    public void Kaiming_uniform_uses_bound_one_over_sqrt_fan_in_for_a_sqrt5()
    {
        var w = new float[10_000];
        ParameterInit.KaimingUniform(w, 64, 1, 2);
        Assert.All(w, x => Assert.InRange(x, -0.125f, 0.125f));
        Assert.True(w.Max() > 0.12f && w.Min() < -0.12f);
    }

    [Fact]
    public void Layout_puts_trainable_decayed_then_trainable_undecayed_then_frozen()
    {
        var layout = new ParameterLayout.Builder()
            .Add("frozen.weight", [4, 3], trainable: false)
            .Add("dense.bias", [3])
            .Add("dense.weight", [3, 2])
            .Add("norm.weight", [3])
            .Build();
        Assert.Equal(6, layout.DecayedLength);
        Assert.Equal(12, layout.TrainableLength);
        Assert.Equal(24, layout.TotalLength);
        Assert.Equal(0, layout["dense.weight"].Offset);
        Assert.Equal(6, layout["dense.bias"].Offset);
        Assert.Equal(9, layout["norm.weight"].Offset);
        Assert.Equal(12, layout["frozen.weight"].Offset);
        Assert.False(layout["frozen.weight"].WeightDecay);
        Assert.Equal("[4, 3]", layout["frozen.weight"].ShapeText);

        var set = new ParameterSet(layout);
        Assert.Equal(12, set.Gradients.Length);
        set.View("norm.weight").Fill(2f);
        Assert.Equal(2f, set.Values[10]);
        Assert.Throws<InvalidOperationException>(() => set.Gradient(layout["frozen.weight"]));
        Assert.Contains("nope", Assert.Throws<ArgumentException>(() => set.View("nope")).Message);
        Assert.Throws<ArgumentException>(() => new ParameterLayout.Builder().Add("a", [1]).Add("a", [2]));
    }

    [Fact]
    public void AdamW_step_on_a_set_decays_only_the_decayed_range_and_leaves_frozen_values()
    {
        var layout = new ParameterLayout.Builder().Add("w", [2, 2]).Add("b", [2]).Add("f", [2], trainable: false).Build();
        var set = new ParameterSet(layout);
        Array.Fill(set.Values, 1f);
        // Zero gradients: only weight decay moves parameters (m = v = 0 gives a zero Adam update).
        set.AdamWStep(0.1f, 0.9f, 0.999f, 1e-8f, 0.5f, 1);
        Assert.All(set.View("w").ToArray(), v => Assert.Equal(0.95f, v));
        Assert.All(set.View("b").ToArray(), v => Assert.Equal(1f, v));
        Assert.All(set.View("f").ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Arena_hands_out_aligned_slices_and_refuses_reservations_after_commit()
    {
        var arena = new ActivationArena();
        var a = arena.Reserve(5);
        var b = arena.Reserve(20);
        Assert.Equal(16, b.Offset);
        Assert.Throws<InvalidOperationException>(() => a.Span.Length);
        arena.Commit();
        a.Span.Fill(3f);
        Assert.Equal(0f, b.Span[0]);
        Assert.Equal(4, a.Slice(4).Length);
        Assert.Throws<ArgumentException>(() => a.Slice(6));
        Assert.Throws<InvalidOperationException>(() => arena.Reserve(1));
    }
}
