// Helpers for the layer tests: seeded parameter sets, random data, and a central finite-difference
// check (float forward, double loss, step 1e-2 suited to float). Not a test by itself.
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Layers;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Layers;

internal static class LayerTestKit
{
    public static float[] RandomArray(int length, int seed, float scale = 1f)
    {
        var rng = new System.Random(seed);
        var a = new float[length];
        for (int i = 0; i < length; i++) a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return a;
    }

    /// <summary>Fills every tensor with U(-scale, scale), seeded by name.</summary>
    public static ParameterSet RandomSet(ParameterLayout layout, float scale = 0.5f, ulong seed = 7)
    {
        var set = new ParameterSet(layout);
        foreach (var h in layout.Tensors)
            ParameterInit.Uniform(set.Value(h), scale, seed, ParameterInit.StreamOf(h.Name));
        return set;
    }

    public static double Dot(ReadOnlySpan<float> w, ReadOnlySpan<float> y)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++) s += (double)w[i] * y[i];
        return s;
    }

    /// <summary>
    /// For up to <paramref name="maxChecks"/> evenly spaced j in [0, length): perturbs values[offset + j] by ±h
    /// (in float), evaluates <paramref name="loss"/>, and compares the central difference with analytic[j]
    /// within absolute + relative·|analytic[j]|.
    /// </summary>
    public static void CheckGradient(float[] values, int offset, int length, ReadOnlySpan<float> analytic, Func<double> loss,
        double absolute, double relative, string what, float h = 1e-2f, int maxChecks = 24)
    {
        int stride = Math.Max(1, length / maxChecks);
        for (int j = 0; j < length; j += stride)
        {
            float original = values[offset + j];
            float plus = original + h, minus = original - h;
            values[offset + j] = plus; double lp = loss();
            values[offset + j] = minus; double lm = loss();
            values[offset + j] = original;
            double fd = (lp - lm) / ((double)plus - minus);
            double diff = Math.Abs(fd - analytic[j]);
            double allowed = absolute + relative * Math.Abs(analytic[j]);
            if (!(diff <= allowed))
                Assert.Fail($"d loss / d {what}[{j}]: finite difference {fd:E5}, backward {analytic[j]:E5} (|diff| {diff:E3} > {allowed:E3})");
        }
    }

    /// <summary>Checks every trainable tensor of <paramref name="set"/> against finite differences.</summary>
    public static void CheckParameterGradients(ParameterSet set, Func<double> loss, double absolute, double relative, int maxChecks = 12)
    {
        foreach (var t in set.Layout.Tensors)
        {
            if (!t.Trainable) continue;
            var analytic = set.Gradient(t).ToArray();
            CheckGradient(set.Values, t.Offset, t.Length, analytic, loss, absolute, relative, t.Name, maxChecks: maxChecks);
        }
    }

    /// <summary>
    /// Checks a dense layer's backward for the loss w·layer(x), seeded random x and w: one forward, gradients of
    /// <paramref name="parameters"/> zeroed, one backward, then every trainable tensor and x against finite differences.
    /// </summary>
    public static void CheckDenseLayerGradients(IDenseLayer layer, ParameterSet parameters, int rows, int inputSeed, int weightSeed,
        double absolute, double relative)
    {
        var x = RandomArray(rows * layer.InFeatures, inputSeed);
        var w = RandomArray(rows * layer.OutFeatures, weightSeed);
        var y = new float[rows * layer.OutFeatures];
        double Loss()
        {
            layer.Forward(x, y, rows);
            return Dot(w, y);
        }
        Loss();
        parameters.ZeroGradients();
        var dx = new float[x.Length];
        layer.Backward(x, w, dx, rows);
        CheckParameterGradients(parameters, Loss, absolute, relative);
        CheckGradient(x, 0, x.Length, dx, Loss, absolute, relative, "x");
    }
}
