// Masked softmax: fast vs naive twin with padding and causal masks, fully masked rows give zeros,
// max subtraction keeps huge scores finite, backward vs finite differences.
using LlmMlNet.Tensors.Kernels;
using Xunit;
using static LlmMlNet.Tensors.Tests.Kernels.TestNumerics;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class MaskedSoftmaxTests
{
    private static int[] PaddingMask(int batch, int seq)
    {
        // Entry b keeps its first seq - b keys (right padding); the last entry also hides key 0 (a hole).
        var mask = new int[batch * seq];
        for (int b = 0; b < batch; b++)
            for (int k = 0; k < seq; k++) mask[b * seq + k] = k < seq - b ? 1 : 0;
        if (seq > 1) mask[(batch - 1) * seq] = 0;
        return mask;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_and_backward_match_the_naive_twin_on_awkward_lengths(bool causal)
    {
        foreach (int seq in AwkwardSizes)
        {
            const int batch = 3;
            int heads = seq > 100 ? 1 : 2; // keeps the double-precision twin fast at 255 and 257
            int n = batch * heads * seq * seq;
            var scores = RandomArray(n, seq, 8f);
            var mask = PaddingMask(batch, seq);
            var p1 = new float[n]; var p2 = new float[n];
            MaskedSoftmax.Forward(p1, scores, mask, causal, batch, heads, seq);
            MaskedSoftmax.ForwardNaive(p2, scores, mask, causal, batch, heads, seq);
            AssertClose(p2, p1, 1e-6, 1e-5, "probs");

            var dp = RandomArray(n, seq + 1);
            var ds1 = new float[n]; var ds2 = new float[n];
            MaskedSoftmax.Backward(ds1, p2, dp, causal, batch, heads, seq);
            MaskedSoftmax.BackwardNaive(ds2, p2, dp, batch, heads, seq);
            AssertClose(ds2, ds1, 1e-6, 1e-5, "dscores");
        }
    }

    [Fact]
    public void Masked_keys_get_zero_probability_and_fully_masked_rows_are_zero_not_nan()
    {
        var scores = new float[] { 1, 2, 3, 4, 1, 2, 3, 4 }; // batch 2, heads 1, seq 2
        int[] mask = [1, 0, 0, 0];
        var p = new float[8];
        MaskedSoftmax.Forward(p, scores, mask, false, 2, 1, 2);
        Assert.Equal(new float[] { 1, 0, 1, 0, 0, 0, 0, 0 }, p);
    }

    [Fact]
    public void Huge_scores_stay_finite_because_the_max_is_subtracted()
    {
        var p = new float[4];
        MaskedSoftmax.Forward(p, [1000f, 999f, -1e30f, 3e30f], [], false, 1, 1, 2);
        AssertClose([0.7310586f, 0.26894143f, 0f, 1f], p, 1e-6, 0);
    }

    [Fact]
    public void Backward_matches_central_finite_differences()
    {
        // h = 1e-2 on O(1) scores; tolerance 1e-3 + 1e-2·|g| (truncation ~1e-5, float rounding of L ~1e-5).
        const int batch = 2, heads = 2, seq = 5;
        int n = batch * heads * seq * seq;
        var s = RandomArray(n, 41, 2f);
        var w = RandomArray(n, 42);
        int[] mask = [1, 1, 1, 0, 1, 1, 1, 1, 1, 1];
        var p = new float[n];
        double Loss() { MaskedSoftmax.Forward(p, s, mask, true, batch, heads, seq); return Dot(w, p); }
        Loss();
        var ds = new float[n];
        MaskedSoftmax.Backward(ds, p, w, true, batch, heads, seq);
        CheckGradient(s, ds, Loss, 1e-3, 1e-2, maxChecks: n);
    }

    [Fact]
    public void Rejects_a_short_key_mask_before_any_work()
    {
        var p = new float[] { 7, 7, 7, 7 };
        var ex = Assert.Throws<ArgumentException>(() => MaskedSoftmax.Forward(p, new float[4], new int[1], false, 1, 1, 2));
        Assert.Equal("keyMask", ex.ParamName);
        Assert.All(p, v => Assert.Equal(7f, v));
    }
}
