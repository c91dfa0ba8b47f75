// Bias add over rows, out[n, c] += bias[c], and its gradient dbias[c] += sum_n dout[n, c].
// Linear applies it after its GEMM; this is not the GEMM epilogue itself.
using System.Numerics.Tensors;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Row-broadcast bias add and its column-sum gradient.</summary>
public static class BiasAdd
{
    /// <summary>output[n, c] += bias[c] for n in [0, rows). Shapes: output [rows, channels], bias [channels].</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape; thrown before any work.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> bias, int rows, int channels)
    {
        int n = KernelArguments.Product(rows, channels, nameof(rows), nameof(channels));
        KernelArguments.AtLeast(output.Length, n, nameof(output));
        KernelArguments.AtLeast(bias.Length, channels, nameof(bias));
        bias = bias[..channels];
        for (int r = 0; r < rows; r++)
        {
            var row = output.Slice(r * channels, channels);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>Differentiates output = x + bias: biasGradient[c] += Σ_n outputGradient[n, c].</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape; thrown before any work.</exception>
    public static void Backward(Span<float> biasGradient, ReadOnlySpan<float> outputGradient, int rows, int channels)
    {
        int n = KernelArguments.Product(rows, channels, nameof(rows), nameof(channels));
        KernelArguments.AtLeast(outputGradient.Length, n, nameof(outputGradient));
        KernelArguments.AtLeast(biasGradient.Length, channels, nameof(biasGradient));
        var db = biasGradient[..channels];
        for (int r = 0; r < rows; r++)
            TensorPrimitives.Add(db, outputGradient.Slice(r * channels, channels), db);
    }

    /// <summary>Naive twin of <see cref="Forward"/>.</summary>
    public static void ForwardNaive(Span<float> output, ReadOnlySpan<float> bias, int rows, int channels)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < channels; c++)
                output[r * channels + c] += bias[c];
    }

    /// <summary>Naive twin of <see cref="Backward"/>, accumulating each column in double.</summary>
    public static void BackwardNaive(Span<float> biasGradient, ReadOnlySpan<float> outputGradient, int rows, int channels)
    {
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += outputGradient[r * channels + c];
            biasGradient[c] += (float)sum;
        }
    }
}
