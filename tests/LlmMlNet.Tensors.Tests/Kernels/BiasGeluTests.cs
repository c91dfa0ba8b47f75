// BiasGelu (the feed-forward block's fused bias + GELU): bit-identical to BiasAdd then Gelu, close to its
// double twin, its stored derivative agrees with central finite differences of its own forward, the same
// for 1 and 2 threads (rows over several work items), and bad lengths are refused before any work.
using LlmMlNet.Tensors.Kernels;
using Xunit;
using static LlmMlNet.Tensors.Tests.Kernels.TestNumerics;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class BiasGeluTests
{
    [Theory]
    [InlineData(GeluApproximation.None, 5, 17)]
    [InlineData(GeluApproximation.Tanh, 5, 17)]
    [InlineData(GeluApproximation.None, 40, 1024)]
    [InlineData(GeluApproximation.Tanh, 3, 1)]
    public void Fused_equals_bias_add_then_gelu_bit_for_bit_and_its_double_twin(GeluApproximation form, int rows, int channels)
    {
        float[] x = RandomArray(rows * channels, 1, 3f), bias = RandomArray(channels, 2);
        float[] expected = (float[])x.Clone(), expectedDerivative = new float[x.Length];
        BiasAdd.Forward(expected, bias, rows, channels);
        Gelu.ForwardWithDerivative(expected, expectedDerivative, expected, form);

        float[] y = new float[x.Length], derivative = new float[x.Length], inferred = (float[])x.Clone();
        BiasGelu.ForwardWithDerivative(y, derivative, x, bias, rows, channels, form);
        BiasGelu.Forward(inferred, inferred, bias, rows, channels, form);
        Assert.Equal(expected, y);
        Assert.Equal(expectedDerivative, derivative);
        Assert.Equal(expected, inferred);

        float[] twin = new float[x.Length], twinDerivative = new float[x.Length];
        BiasGelu.ForwardNaive(twin, twinDerivative, x, bias, rows, channels, form);
        AssertClose(twin, y, 2e-6, 2e-6, "gelu(x + b)");
        AssertClose(twinDerivative, derivative, 2e-6, 2e-6, "gelu'(x + b)");
    }

    [Theory]
    [InlineData(GeluApproximation.None)]
    [InlineData(GeluApproximation.Tanh)]
    public void Stored_derivative_matches_central_finite_differences_for_input_and_bias(GeluApproximation form)
    {
        const int rows = 6, channels = 9;
        float[] x = RandomArray(rows * channels, 3, 2f), bias = RandomArray(channels, 4), w = RandomArray(rows * channels, 5);
        float[] y = new float[x.Length], derivative = new float[x.Length];
        BiasGelu.ForwardWithDerivative(y, derivative, x, bias, rows, channels, form);
        // dL/dx = gelu'(x + b)·w (what CachedDerivative.Backward computes), dL/db = Σ_rows of the same.
        float[] dx = new float[x.Length], db = new float[channels];
        CachedDerivative.Backward(dx, derivative, w);
        BiasAdd.Backward(db, dx, rows, channels);
        double Loss()
        {
            BiasGelu.ForwardWithDerivative(y, derivative, x, bias, rows, channels, form);
            return Dot(w, y);
        }
        CheckGradient(x, dx, Loss, 1e-3, 1e-3);
        CheckGradient(bias, db, Loss, 1e-3, 1e-3, what: "bias");
    }

    [Fact]
    public void Same_result_for_one_and_two_threads_across_work_items()
    {
        const int rows = 70, channels = 1024; // 16 rows per work item: 5 items
        float[] x = RandomArray(rows * channels, 6, 3f), bias = RandomArray(channels, 7);
        float[] Run(int threads)
        {
            var previous = EngineSettings.Threads;
            try
            {
                EngineSettings.Threads = threads;
                float[] y = new float[x.Length], d = new float[x.Length];
                BiasGelu.ForwardWithDerivative(y, d, x, bias, rows, channels, GeluApproximation.None);
                return [.. y, .. d];
            }
            finally
            {
                EngineSettings.Threads = previous;
            }
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void Short_buffers_are_refused_naming_them()
    {
        float[] x = new float[12], bias = new float[4];
        Assert.Contains("derivative", Assert.Throws<ArgumentException>(() => BiasGelu.ForwardWithDerivative(new float[12], new float[11], x, bias, 3, 4, GeluApproximation.None)).Message);
        Assert.Contains("bias", Assert.Throws<ArgumentException>(() => BiasGelu.Forward(new float[12], x, new float[3], 3, 4, GeluApproximation.None)).Message);
        Assert.Contains("output", Assert.Throws<ArgumentException>(() => BiasGelu.Forward(new float[11], x, bias, 3, 4, GeluApproximation.Tanh)).Message);
    }
}
