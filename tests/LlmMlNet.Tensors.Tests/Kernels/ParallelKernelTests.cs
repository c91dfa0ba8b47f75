// The element-wise and row-wise kernels that split work over ComputePool: sizes large enough to make
// several work items, run with 1 and with 2 threads, must give bit-identical results (chunks are fixed,
// never derived from the thread count), and must still match the naive twins within the kernels' tolerances.
using LlmMlNet.Tensors.Kernels;
using Xunit;

namespace LlmMlNet.Tensors.Tests.Kernels;

public sealed class ParallelKernelTests
{
    private static float[] Random(int n, int seed, float scale = 3f)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return a;
    }

    // Runs the action at 1 and at 2 engine threads and returns both outputs.
    private static (float[] One, float[] Two) AtOneAndTwoThreads(Func<float[]> run)
    {
        var previous = EngineSettings.Threads;
        try
        {
            EngineSettings.Threads = 1;
            var one = run();
            EngineSettings.Threads = 2;
            return (one, run());
        }
        finally
        {
            EngineSettings.Threads = previous;
        }
    }

    [Theory]
    [InlineData(GeluApproximation.None)]
    [InlineData(GeluApproximation.Tanh)]
    public void GeluForwardAndBackwardAreThreadCountIndependent(GeluApproximation form)
    {
        const int n = 3 * 16384 + 13;
        var x = Random(n, 1);
        var dy = Random(n, 2, 1f);
        var (one, two) = AtOneAndTwoThreads(() =>
        {
            var y = new float[n];
            Gelu.Forward(y, x, form);
            var dx = Random(n, 3, 0.5f);
            Gelu.Backward(dx, x, dy, form);
            return [.. y, .. dx];
        });
        Assert.Equal(one, two);
        var naive = new float[n];
        Gelu.ForwardNaive(naive, x, form);
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(naive[i] - two[i]) <= 1e-5f * (1 + Math.Abs(naive[i])), $"gelu({x[i]}) at {i}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MaskedSoftmaxIsThreadCountIndependentAndMatchesNaive(bool causal)
    {
        const int batch = 3, heads = 2, seq = 70;
        var scores = Random(batch * heads * seq * seq, 4);
        var mask = new int[batch * seq];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < seq; t++) mask[b * seq + t] = b == 1 ? (t % 3 == 0 ? 0 : 1) : (t < seq - 5 * b ? 1 : 0);
        var dp = Random(scores.Length, 5);
        var (one, two) = AtOneAndTwoThreads(() =>
        {
            var p = new float[scores.Length];
            MaskedSoftmax.Forward(p, scores, mask, causal, batch, heads, seq);
            var ds = new float[scores.Length];
            MaskedSoftmax.Backward(ds, p, dp, causal, batch, heads, seq);
            return [.. p, .. ds];
        });
        Assert.Equal(one, two);
        var naive = new float[scores.Length];
        MaskedSoftmax.ForwardNaive(naive, scores, mask, causal, batch, heads, seq);
        for (int i = 0; i < naive.Length; i++) Assert.True(Math.Abs(naive[i] - two[i]) <= 1e-6f, $"softmax at {i}: {naive[i]} vs {two[i]}");
    }

    [Fact]
    public void BiasAddDropoutAndAdamWAreThreadCountIndependentAndMatchNaive()
    {
        const int rows = 300, channels = 200, n = rows * channels;
        var bias = Random(channels, 6);
        var grad = Random(n, 7);
        var (one, two) = AtOneAndTwoThreads(() =>
        {
            var y = Random(n, 8);
            BiasAdd.Forward(y, bias, rows, channels);
            var db = Random(channels, 9);
            BiasAdd.Backward(db, grad, rows, channels);
            var dropped = new float[n];
            Dropout.Forward(dropped, grad, 0.25f, 11, 3);
            var values = Random(n, 10);
            var (m, v) = (Random(n, 12, 0.1f), Random(n, 13, 0.1f));
            for (int i = 0; i < n; i++) v[i] = Math.Abs(v[i]);
            AdamW.Step(values, grad, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 3);
            return [.. y, .. db, .. dropped, .. values, .. m, .. v];
        });
        Assert.Equal(one, two);

        var yNaive = Random(n, 8);
        BiasAdd.ForwardNaive(yNaive, bias, rows, channels);
        Assert.Equal(yNaive, two[..n]);
        var dbNaive = Random(channels, 9);
        BiasAdd.BackwardNaive(dbNaive, grad, rows, channels);
        for (int c = 0; c < channels; c++) Assert.True(Math.Abs(dbNaive[c] - two[n + c]) <= 1e-3f, $"bias gradient {c}");
        var dropNaive = new float[n];
        Dropout.ForwardNaive(dropNaive, grad, 0.25f, 11, 3);
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(dropNaive[i] - two[n + channels + i]) <= 1e-6f * (1 + Math.Abs(dropNaive[i])), $"dropout {i}");
    }

    [Fact]
    public void LayerNormHeadLayoutAndResidualAreThreadCountIndependentAndMatchNaive()
    {
        const int batch = 5, seq = 40, heads = 4, headSize = 24, channels = heads * headSize, rows = batch * seq, n = rows * channels;
        var x = Random(n, 14);
        var (weight, bias) = (Random(channels, 15), Random(channels, 16));
        var (one, two) = AtOneAndTwoThreads(() =>
        {
            var (y, mean, rstd) = (new float[n], new float[rows], new float[rows]);
            LayerNormKernel.Forward(y, mean, rstd, x, weight, bias, rows, channels, 1e-5f);
            var split = new float[n];
            HeadLayout.Split(split, x, batch, seq, heads, headSize);
            var merged = new float[n];
            HeadLayout.Merge(merged, split, batch, seq, heads, headSize);
            var sum = new float[n];
            Residual.Forward(sum, x, y, n);
            return [.. y, .. mean, .. rstd, .. split, .. merged, .. sum];
        });
        Assert.Equal(one, two);
        Assert.Equal(x, two.AsSpan(n + 2 * rows + n, n).ToArray());
        var (yNaive, meanNaive, rstdNaive) = (new float[n], new float[rows], new float[rows]);
        LayerNormKernel.ForwardNaive(yNaive, meanNaive, rstdNaive, x, weight, bias, rows, channels, 1e-5f);
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(yNaive[i] - two[i]) <= 1e-4f, $"layer norm at {i}");
        // Token (b, t), head h, lane d sits at ((b·heads + h)·seq + t)·headSize + d after the split.
        Assert.Equal(x[(2 * seq + 7) * channels + 3 * headSize + 5], two[n + 2 * rows + ((2 * heads + 3) * seq + 7) * headSize + 5]);
    }

    [Theory]
    [InlineData(96)]
    [InlineData(100)]
    public void LayerNormBackwardIsThreadCountIndependentAndMatchesNaive(int channels)
    {
        // 300 rows are several row items; 100 channels make a ragged last column block with a scalar tail.
        const int rows = 300;
        int n = rows * channels;
        var x = Random(n, 31);
        var dy = Random(n, 32, 1f);
        var (weight, bias) = (Random(channels, 33), Random(channels, 34));
        var (mean, rstd) = (new float[rows], new float[rows]);
        LayerNormKernel.Forward(new float[n], mean, rstd, x, weight, bias, rows, channels, 1e-5f);
        var (one, two) = AtOneAndTwoThreads(() =>
        {
            var (dx, dw, db) = (Random(n, 35, 0.5f), Random(channels, 36, 0.5f), Random(channels, 37, 0.5f));
            LayerNormKernel.Backward(dx, dw, db, dy, x, weight, mean, rstd, rows, channels);
            return [.. dx, .. dw, .. db];
        });
        Assert.Equal(one, two);
        var (dxNaive, dwNaive, dbNaive) = (Random(n, 35, 0.5f), Random(channels, 36, 0.5f), Random(channels, 37, 0.5f));
        LayerNormKernel.BackwardNaive(dxNaive, dwNaive, dbNaive, dy, x, weight, mean, rstd, rows, channels);
        float[] naive = [.. dxNaive, .. dwNaive, .. dbNaive];
        for (int i = 0; i < naive.Length; i++)
            Assert.True(Math.Abs(naive[i] - two[i]) <= 1e-3f * (1 + Math.Abs(naive[i])), $"layer norm backward at {i}: {two[i]} vs {naive[i]}");
    }
}
