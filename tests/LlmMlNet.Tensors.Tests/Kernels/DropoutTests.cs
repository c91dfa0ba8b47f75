// Dropout: vector path vs the per-element naive twin, keep rate near 1-p, determinism in
// (seed, step), backward uses the same mask and matches finite differences.
using LlmMlNet.Tensors.Kernels;
using Xunit;
using static LlmMlNet.Tensors.Tests.Kernels.TestNumerics;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class DropoutTests
{
    [Fact]
    public void Matches_the_naive_twin_on_awkward_sizes()
    {
        foreach (int n in AwkwardSizes)
        {
            var x = RandomArray(n, n);
            var y1 = new float[n]; var y2 = new float[n];
            Dropout.Forward(y1, x, 0.3f, 1234, 5);
            Dropout.ForwardNaive(y2, x, 0.3f, 1234, 5);
            AssertClose(y2, y1, 0, 1e-6);
        }
    }

    [Fact]
    public void Keeps_about_one_minus_p_and_scales_kept_values()
    {
        const int n = 100_000;
        var x = new float[n]; Array.Fill(x, 1f);
        var y = new float[n];
        Dropout.Forward(y, x, 0.1f, 7, 0);
        int kept = y.Count(v => v != 0f);
        Assert.InRange(kept, 89_500, 90_500); // 1-p = 0.9, binomial sd ≈ 95
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / 0.9f, v, 6));
    }

    [Fact]
    public void Mask_depends_only_on_seed_step_and_index()
    {
        var x = RandomArray(257, 1);
        var a = new float[257]; var b = new float[257]; var c = new float[257];
        Dropout.Forward(a, x, 0.5f, 99, 3);
        Dropout.Forward(b, x, 0.5f, 99, 3);
        Dropout.Forward(c, x, 0.5f, 99, 4);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Chunks given their global first index reproduce the whole call (how a thread pool may split it).
        var chunked = new float[257];
        Dropout.Forward(chunked.AsSpan(0, 100), x.AsSpan(0, 100), 0.5f, 99, 3);
        Dropout.Forward(chunked.AsSpan(100), x.AsSpan(100), 0.5f, 99, 3, firstIndex: 100);
        Assert.Equal(a, chunked);
        var id = new float[257];
        Dropout.Forward(id, x, 0f, 99, 3);
        Assert.Equal(x, id);
    }

    [Fact]
    public void Backward_reuses_the_forward_mask_and_matches_finite_differences()
    {
        var x = RandomArray(65, 2);
        var w = RandomArray(65, 3);
        var grad = new float[65];
        Dropout.Backward(grad, w, 0.25f, 5, 8);
        var y = new float[65];
        // Dropout is linear in x, so central differences are exact up to float rounding: tolerance 1e-4.
        CheckGradient(x, grad, () => { Dropout.Forward(y, x, 0.25f, 5, 8); return Dot(w, y); }, 1e-4, 1e-4, maxChecks: 65);
        Assert.Equal("probability", Assert.Throws<ArgumentException>(() => Dropout.Forward(y, x, 1f, 5, 8)).ParamName);
    }
}
