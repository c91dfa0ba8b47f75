// Shared test helpers: seeded random data, closeness asserts, and a central finite-difference
// gradient check (float forward, double loss, step suited to float). Not a test by itself.
using Xunit;

namespace LlmMlNet.Tensors.Tests.Kernels;

internal static class TestNumerics
{
    /// <summary>The awkward lengths every kernel is compared on (vector widths ± 1, zero, one).</summary>
    public static readonly int[] AwkwardSizes = [0, 1, 7, 17, 63, 64, 65, 255, 257];

    public static float[] RandomArray(int length, int seed, float scale = 1f)
    {
        var rng = new System.Random(seed);
        var a = new float[length];
        for (int i = 0; i < length; i++) a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return a;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double absolute, double relative, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            double allowed = absolute + relative * Math.Abs(expected[i]);
            if (!(diff <= allowed))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (|diff| {diff:E3} > {allowed:E3})");
        }
    }

    /// <summary>
    /// Central differences: for up to <paramref name="maxChecks"/> indices j of x, perturbs x[j] by ±h
    /// in float, evaluates the (float) forward through <paramref name="loss"/> (summed in double) and
    /// compares (L+ - L-)/(x+ - x-) with analytic[j] within absolute + relative·|analytic|.
    /// </summary>
    public static void CheckGradient(float[] x, float[] analytic, Func<double> loss, double absolute, double relative,
        float h = 1e-2f, int maxChecks = 40, string what = "x")
    {
        int stride = Math.Max(1, x.Length / maxChecks);
        for (int j = 0; j < x.Length; j += stride)
        {
            float original = x[j];
            float plus = original + h, minus = original - h;
            x[j] = plus; double lp = loss();
            x[j] = minus; double lm = loss();
            x[j] = original;
            double fd = (lp - lm) / ((double)plus - minus);
            double diff = Math.Abs(fd - analytic[j]);
            double allowed = absolute + relative * Math.Abs(analytic[j]);
            if (!(diff <= allowed))
                Assert.Fail($"d loss / d {what}[{j}]: finite difference {fd:E5}, backward {analytic[j]:E5} (|diff| {diff:E3} > {allowed:E3})");
        }
    }

    /// <summary>Σ w_i · y_i in double: the linear functional whose gradient w seeds backward.</summary>
    public static double Dot(ReadOnlySpan<float> w, ReadOnlySpan<float> y)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++) s += (double)w[i] * y[i];
        return s;
    }
}
