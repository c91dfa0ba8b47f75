// LayerNorm kernel: fast vs naive twin on awkward widths, backward (input, weight, bias) vs central
// finite differences, argument checks before work.
using LlmMlNet.Tensors.Kernels;
using Xunit;
using static LlmMlNet.Tensors.Tests.Kernels.TestNumerics;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class LayerNormKernelTests
{
    [Fact]
    public void Forward_and_backward_match_the_naive_twin_on_awkward_widths()
    {
        foreach (int c in AwkwardSizes.Where(s => s > 0))
        {
            const int rows = 3;
            var x = RandomArray(rows * c, c, 2f);
            for (int i = 0; i < x.Length; i++) x[i] += 5f; // an offset mean exercises the two-pass variance
            var wt = RandomArray(c, 2); var b = RandomArray(c, 3);
            var y1 = new float[rows * c]; var y2 = new float[rows * c];
            var m1 = new float[rows]; var m2 = new float[rows]; var r1 = new float[rows]; var r2 = new float[rows];
            LayerNormKernel.Forward(y1, m1, r1, x, wt, b, rows, c, 1e-5f);
            LayerNormKernel.ForwardNaive(y2, m2, r2, x, wt, b, rows, c, 1e-5f);
            AssertClose(y2, y1, 1e-5, 1e-5, "y");
            AssertClose(r2, r1, 0, 1e-5, "rstd");

            var d = RandomArray(rows * c, 4);
            var dx1 = new float[rows * c]; var dx2 = new float[rows * c];
            var dw1 = new float[c]; var dw2 = new float[c]; var db1 = new float[c]; var db2 = new float[c];
            LayerNormKernel.Backward(dx1, dw1, db1, d, x, wt, m2, r2, rows, c);
            LayerNormKernel.BackwardNaive(dx2, dw2, db2, d, x, wt, m2, r2, rows, c);
            AssertClose(dx2, dx1, 2e-5, 1e-4, "dx");
            AssertClose(dw2, dw1, 2e-5, 1e-4, "dw");
            AssertClose(db2, db1, 1e-6, 1e-6, "db");
        }
    }

    [Fact]
    public void Backward_matches_central_finite_differences_for_input_weight_and_bias()
    {
        // h = 1e-2, smooth function of O(1) inputs; tolerance 2e-3 + 1e-2·|g| covers truncation (~1e-4) and float rounding.
        const int rows = 4, c = 17;
        var x = RandomArray(rows * c, 31, 2f);
        var wt = RandomArray(c, 32); var b = RandomArray(c, 33);
        var w = RandomArray(rows * c, 34);
        var y = new float[rows * c]; var mean = new float[rows]; var rstd = new float[rows];
        double Loss() { LayerNormKernel.Forward(y, mean, rstd, x, wt, b, rows, c, 1e-5f); return Dot(w, y); }
        Loss();
        var dx = new float[rows * c]; var dw = new float[c]; var db = new float[c];
        LayerNormKernel.Backward(dx, dw, db, w, x, wt, mean, rstd, rows, c);
        CheckGradient(x, dx, Loss, 2e-3, 1e-2, what: "x");
        CheckGradient(wt, dw, Loss, 2e-3, 1e-2, what: "weight");
        CheckGradient(b, db, Loss, 2e-3, 1e-2, what: "bias");
    }

    [Fact]
    public void Rejects_short_statistics_before_any_work()
    {
        var y = new float[] { 9, 9, 9, 9 };
        var ex = Assert.Throws<ArgumentException>(() =>
            LayerNormKernel.Forward(y, new float[1], new float[2], new float[4], new float[2], new float[2], 2, 2, 1e-5f));
        Assert.Equal("mean", ex.ParamName);
        Assert.All(y, v => Assert.Equal(9f, v));
    }
}
