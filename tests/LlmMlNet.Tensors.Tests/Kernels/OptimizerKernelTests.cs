// AdamW against a hand-computed two-step example and PyTorch's printed numbers, fast vs naive
// twin, hyper-parameter checks; global-norm clipping semantics.
using LlmMlNet.Tensors.Kernels;
using Xunit;
using static LlmMlNet.Tensors.Tests.Kernels.TestNumerics;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class OptimizerKernelTests
{
    [Fact]
    public void AdamW_reproduces_a_hand_computed_two_step_example()
    {
        // lr 0.1, betas (0.9, 0.999), eps 1e-8, wd 0.01, p0 = 1, g1 = 0.5, g2 = -0.25.
        // Step 1: p = 1·0.999 = 0.999; m = 0.05; v = 0.00025; m̂ = 0.5; v̂ = 0.25;
        //         p = 0.999 - 0.1·0.5/(0.5 + 1e-8) = 0.899000002.
        // Step 2: p = 0.899000002·0.999; m = 0.045 - 0.025 = 0.02; v = 0.00024975 + 0.0000625 = 0.00031225;
        //         m̂ = 0.02/0.19; v̂ = 0.00031225/0.001999; p = 0.8714672987 (double arithmetic).
        float[] p = [1f], m = [0f], v = [0f];
        AdamW.Step(p, [0.5f], m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        Assert.Equal(0.899000002, p[0], 6);
        Assert.Equal(0.05, m[0], 7);
        Assert.Equal(0.00025, v[0], 8); // (float)(1 - 0.999) = 0.00100002: the same float rounding PyTorch has
        AdamW.Step(p, [-0.25f], m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, 2);
        Assert.Equal(0.8714672987, p[0], 6);
        Assert.Equal(0.02, m[0], 7);
        Assert.Equal(0.00031225, v[0], 8);
    }

    [Fact]
    public void AdamW_matches_numbers_printed_by_torch_optim_AdamW()
    {
        // PyTorch 1.13: AdamW([1, -2], lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01), grads [0.5, 0.3] then [-0.25, 0.1].
        float[] p = [1f, -2f], m = new float[2], v = new float[2];
        AdamW.Step(p, [0.5f, 0.3f], m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        AdamW.Step(p, [-0.25f, 0.1f], m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, 2);
        AssertClose([0.8714673519134521f, -2.1830084323883057f], p, 2e-7, 2e-7);
    }

    [Fact]
    public void AdamW_fast_path_matches_the_naive_twin_on_awkward_sizes()
    {
        foreach (int n in AwkwardSizes)
        {
            var p1 = RandomArray(n, 1); var p2 = (float[])p1.Clone();
            var m1 = RandomArray(n, 2, 0.1f); var m2 = (float[])m1.Clone();
            var v1 = RandomArray(n, 3, 0.01f); for (int i = 0; i < n; i++) v1[i] = Math.Abs(v1[i]);
            var v2 = (float[])v1.Clone();
            var g = RandomArray(n, 4);
            for (int t = 1; t <= 3; t++)
            {
                AdamW.Step(p1, g, m1, v1, 1e-3f, 0.9f, 0.999f, 1e-6f, 0.1f, t);
                AdamW.StepNaive(p2, g, m2, v2, 1e-3f, 0.9f, 0.999f, 1e-6f, 0.1f, t);
            }
            AssertClose(p2, p1, 1e-6, 1e-6, "p");
            AssertClose(m2, m1, 1e-7, 1e-5, "m");
            AssertClose(v2, v1, 1e-9, 1e-5, "v");
        }
    }

    [Fact]
    public void AdamW_rejects_bad_hyper_parameters_before_any_work()
    {
        float[] p = [1f];
        Assert.Equal("beta1", Assert.Throws<ArgumentException>(() => AdamW.Step(p, [1f], new float[1], new float[1], 0.1f, 1f, 0.9f, 1e-8f, 0f, 1)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentException>(() => AdamW.Step(p, [1f], new float[1], new float[1], 0.1f, 0.9f, 0.9f, 1e-8f, 0f, 0)).ParamName);
        Assert.Equal("gradients", Assert.Throws<ArgumentException>(() => AdamW.Step(p, [1f, 2f], new float[1], new float[1], 0.1f, 0.9f, 0.9f, 1e-8f, 0f, 1)).ParamName);
        Assert.Equal(1f, p[0]);
    }

    [Fact]
    public void Clipping_scales_to_max_norm_over_norm_plus_1e6_and_returns_the_original_norm()
    {
        float[] g = [3f, 4f];
        Assert.Equal(5.0, GradientClipping.ClipByGlobalNorm(g, 1.0), 6);
        AssertClose([(float)(3 / (5 + 1e-6)), (float)(4 / (5 + 1e-6))], g, 1e-7, 0);
        float[] small = [0.3f, 0.4f];
        Assert.Equal(0.5, GradientClipping.ClipByGlobalNorm(small, 1.0), 6);
        Assert.Equal(new[] { 0.3f, 0.4f }, small); // factor >= 1: untouched
        foreach (int n in AwkwardSizes.Append(10_001))
        {
            var r = RandomArray(n, n);
            Assert.Equal(GradientClipping.GlobalNormNaive(r), GradientClipping.GlobalNorm(r), 5);
        }
    }
}
