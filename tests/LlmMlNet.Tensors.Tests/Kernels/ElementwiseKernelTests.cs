// Bias add, residual, ReLU and GELU: fast vs naive twin on awkward sizes, backward vs central
// finite differences, and argument checks before work.
using LlmMlNet.Tensors.Kernels;
using Xunit;
using static LlmMlNet.Tensors.Tests.Kernels.TestNumerics;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class ElementwiseKernelTests
{
    // Float kernels vs double twins: a few float ulps of values of magnitude up to 4.
    private const double Ulps = 2e-6;

    [Fact]
    public void Bias_add_and_its_gradient_match_the_naive_twin_on_awkward_sizes()
    {
        foreach (int channels in AwkwardSizes)
            foreach (int rows in new[] { 0, 1, 3 })
            {
                var bias = RandomArray(channels, 1);
                var fast = RandomArray(rows * channels, 2);
                var naive = (float[])fast.Clone();
                BiasAdd.Forward(fast, bias, rows, channels);
                BiasAdd.ForwardNaive(naive, bias, rows, channels);
                AssertClose(naive, fast, 0, 0, "out");

                var dout = RandomArray(rows * channels, 3);
                var dbFast = RandomArray(channels, 4);
                var dbNaive = (float[])dbFast.Clone();
                BiasAdd.Backward(dbFast, dout, rows, channels);
                BiasAdd.BackwardNaive(dbNaive, dout, rows, channels);
                AssertClose(dbNaive, dbFast, 1e-6, 1e-6, "dbias");
            }
    }

    [Fact]
    public void Bias_and_residual_backward_match_central_finite_differences()
    {
        // Both are linear, so central differences are exact up to float rounding of the loss: tolerance 1e-3.
        const int rows = 3, channels = 17;
        var x = RandomArray(rows * channels, 61);
        var bias = RandomArray(channels, 62);
        var w = RandomArray(rows * channels, 63);
        var y = new float[rows * channels];
        var db = new float[channels];
        BiasAdd.Backward(db, w, rows, channels);
        CheckGradient(bias, db, () => { x.CopyTo(y, 0); BiasAdd.Forward(y, bias, rows, channels); return Dot(w, y); }, 1e-3, 1e-3);

        var a = RandomArray(rows * channels, 64);
        var da = new float[a.Length]; var dx = new float[a.Length];
        Residual.Backward(da, dx, w, a.Length);
        CheckGradient(a, da, () => { Residual.Forward(y, a, x, a.Length); return Dot(w, y); }, 1e-3, 1e-3, what: "a");
        CheckGradient(x, dx, () => { Residual.Forward(y, a, x, a.Length); return Dot(w, y); }, 1e-3, 1e-3, what: "b");
    }

    [Fact]
    public void Bias_add_rejects_a_short_bias_before_touching_the_output()
    {
        var output = new float[] { 5, 5, 5, 5 };
        var ex = Assert.Throws<ArgumentException>(() => BiasAdd.Forward(output, new float[1], 2, 2));
        Assert.Equal("bias", ex.ParamName);
        Assert.All(output, v => Assert.Equal(5f, v));
    }

    [Fact]
    public void Residual_matches_the_naive_twin_and_sends_the_gradient_to_both_inputs()
    {
        foreach (int n in AwkwardSizes)
        {
            var a = RandomArray(n, 1); var b = RandomArray(n, 2);
            var fast = new float[n]; var naive = new float[n];
            Residual.Forward(fast, a, b, n);
            Residual.ForwardNaive(naive, a, b, n);
            AssertClose(naive, fast, 0, 0);
            var d = RandomArray(n, 3);
            var da = RandomArray(n, 4); var db = RandomArray(n, 5);
            var da2 = (float[])da.Clone(); var db2 = (float[])db.Clone();
            Residual.Backward(da, db, d, n);
            Residual.BackwardNaive(da2, db2, d, n);
            AssertClose(da2, da, 0, 0); AssertClose(db2, db, 0, 0);
        }
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => Residual.Forward(new float[3], new float[3], new float[2], 3)).ParamName);
    }

    [Fact]
    public void Relu_matches_the_naive_twin_and_finite_differences()
    {
        foreach (int n in AwkwardSizes)
        {
            var x = RandomArray(n, n + 1, 3f);
            var fast = new float[n]; var naive = new float[n];
            Relu.Forward(fast, x); Relu.ForwardNaive(naive, x);
            AssertClose(naive, fast, 0, 0);
            var d = RandomArray(n, 7);
            var g1 = new float[n]; var g2 = new float[n];
            Relu.Backward(g1, x, d); Relu.BackwardNaive(g2, x, d);
            AssertClose(g2, g1, 0, 0);
        }
        // Away from the kink (|x| >= 0.1 > h) ReLU is linear, so central differences are exact up to float rounding.
        var xs = RandomArray(64, 11, 3f);
        for (int i = 0; i < xs.Length; i++) if (Math.Abs(xs[i]) < 0.1f) xs[i] = 0.5f;
        var w = RandomArray(64, 12);
        var grad = new float[64];
        Relu.Backward(grad, xs, w);
        var y = new float[64];
        CheckGradient(xs, grad, () => { Relu.Forward(y, xs); return Dot(w, y); }, 1e-3, 1e-3);
    }

    [Theory]
    [InlineData(GeluApproximation.None)]
    [InlineData(GeluApproximation.Tanh)]
    public void Gelu_matches_its_double_twin_on_awkward_sizes(GeluApproximation form)
    {
        foreach (int n in AwkwardSizes)
        {
            var x = RandomArray(n, n + 3, 6f);
            var fast = new float[n]; var naive = new float[n];
            Gelu.Forward(fast, x, form); Gelu.ForwardNaive(naive, x, form);
            // Erf form: A&S 7.1.26 has |erf error| <= 1.5e-7, so |gelu error| <= 0.5·|x|·1.5e-7 + float rounding.
            AssertClose(naive, fast, 1e-6, Ulps, "gelu");
            var d = RandomArray(n, 9);
            var g1 = new float[n]; var g2 = new float[n];
            Gelu.Backward(g1, x, d, form); Gelu.BackwardNaive(g2, x, d, form);
            AssertClose(g2, g1, 2e-6, 1e-5, "dgelu");
        }
    }

    [Theory]
    [InlineData(GeluApproximation.None)]
    [InlineData(GeluApproximation.Tanh)]
    public void Gelu_forward_with_derivative_equals_forward_and_backward_bit_for_bit(GeluApproximation form)
    {
        foreach (int n in AwkwardSizes.Append(40000))
        {
            var x = RandomArray(n, n + 7, 6f);
            var y = new float[n]; var derivative = new float[n];
            Gelu.ForwardWithDerivative(y, derivative, x, form);
            var expected = new float[n];
            Gelu.Forward(expected, x, form);
            Assert.Equal(expected, y);
            // Backward with a unit output gradient into zeros is exactly gelu'(x).
            var ones = Enumerable.Repeat(1f, n).ToArray();
            var slope = new float[n];
            Gelu.Backward(slope, x, ones, form);
            Assert.Equal(slope, derivative);
            // A cached-derivative backward then agrees with the recomputing one and with the double twin.
            var d = RandomArray(n, 13);
            var cached = new float[n]; var naive = new float[n]; var twin = new float[n];
            CachedDerivative.Backward(cached, derivative, d);
            CachedDerivative.BackwardNaive(naive, derivative, d);
            Assert.Equal(naive, cached);
            Gelu.BackwardNaive(twin, x, d, form);
            AssertClose(twin, cached, 2e-6, 1e-5, "cached dgelu");
        }
        Assert.Throws<ArgumentException>(() => Gelu.ForwardWithDerivative(new float[4], new float[3], new float[4], form));
    }

    [Fact]
    public void Tanh_matches_its_double_twin_and_finite_differences()
    {
        foreach (int n in AwkwardSizes.Append(600))
        {
            var x = RandomArray(n, n + 5, 4f);
            var y1 = new float[n]; var y2 = new float[n];
            TanhKernel.Forward(y1, x); TanhKernel.ForwardNaive(y2, x);
            AssertClose(y2, y1, 1e-6, Ulps);
            var d = RandomArray(n, 6);
            var g1 = new float[n]; var g2 = new float[n];
            TanhKernel.Backward(g1, x, d); TanhKernel.BackwardNaive(g2, x, d);
            AssertClose(g2, g1, 1e-6, 1e-5);
        }
        // Smooth, h = 1e-2: tolerance 1e-3 + 1e-3·|g| as for GELU.
        var xs = RandomArray(65, 23, 2f); var w = RandomArray(65, 24);
        var grad = new float[65];
        TanhKernel.Backward(grad, xs, w);
        var ys = new float[65];
        CheckGradient(xs, grad, () => { TanhKernel.Forward(ys, xs); return Dot(w, ys); }, 1e-3, 1e-3);
    }

    [Fact]
    public void Gelu_exact_matches_known_values_of_the_normal_cdf()
    {
        // gelu(1) = Φ(1) = 0.841344746..., gelu(-1) = -Φ(-1) = -0.158655254..., gelu(2) = 2·0.977249868...
        var y = new float[3];
        Gelu.Forward(y, [1f, -1f, 2f], GeluApproximation.None);
        AssertClose([0.8413447f, -0.15865525f, 1.9544997f], y, 3e-7, 0);
        Assert.Equal(0.8427007929497149, Erf.Double(1.0), 13);
    }

    [Theory]
    [InlineData(GeluApproximation.None)]
    [InlineData(GeluApproximation.Tanh)]
    public void Gelu_backward_matches_central_finite_differences(GeluApproximation form)
    {
        // h = 1e-2 on a smooth function: truncation h²·|f'''|/6 < 1e-4, float rounding of L ≈ 1e-6/2h; tolerance 1e-3 + 1e-3·|g|.
        var x = RandomArray(65, 21, 4f);
        var w = RandomArray(65, 22);
        var grad = new float[65];
        Gelu.Backward(grad, x, w, form);
        var y = new float[65];
        CheckGradient(x, grad, () => { Gelu.Forward(y, x, form); return Dot(w, y); }, 1e-3, 1e-3);
    }
}
