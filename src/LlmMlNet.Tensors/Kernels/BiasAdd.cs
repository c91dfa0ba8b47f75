// Bias add over rows, out[n, c] += bias[c], and its gradient dbias[c] += sum_n dout[n, c].
// Linear applies it after its GEMM; this is not the GEMM epilogue itself.
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Row-broadcast bias add and its column-sum gradient.</summary>
public static class BiasAdd
{
    /// <summary>output[n, c] += bias[c] for n in [0, rows). Shapes: output [rows, channels], bias [channels].</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape; thrown before any work.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> bias, int rows, int channels)
    {
        using var profile = KernelProfile.Time(KernelCategory.Bias);
        int n = KernelArguments.Product(rows, channels, nameof(rows), nameof(channels));
        KernelArguments.AtLeast(output.Length, n, nameof(output));
        KernelArguments.AtLeast(bias.Length, channels, nameof(bias));
        int rowsPerItem = Math.Max(1, KernelParallel.Elements / Math.Max(channels, 1));
        ComputePool.For(KernelParallel.Chunks(rows, rowsPerItem),
            new ForwardBody { Output = output, Bias = bias[..channels], Rows = rows, RowsPerItem = rowsPerItem });
    }

    private ref struct ForwardBody : IComputeBody
    {
        public Span<float> Output;
        public ReadOnlySpan<float> Bias;
        public int Rows, RowsPerItem;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Execute(int index)
        {
            var (first, count) = KernelParallel.Range(index, RowsPerItem, Rows);
            int c = Bias.Length;
            for (int r = first; r < first + count; r++)
            {
                var row = Output.Slice(r * c, c);
                TensorPrimitives.Add(row, Bias, row);
            }
        }
    }

    // Each item owns a block of columns and sums every row into it in row order: the same additions, in the same
    // order, as one thread doing whole rows, so the result does not depend on the thread count.
    private const int ColumnsPerItem = 64;

    private ref struct BackwardBody : IComputeBody
    {
        public Span<float> BiasGradient;
        public ReadOnlySpan<float> OutputGradient;
        public int Rows, Channels;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Execute(int index)
        {
            var (first, count) = KernelParallel.Range(index, ColumnsPerItem, Channels);
            var db = BiasGradient.Slice(first, count);
            for (int r = 0; r < Rows; r++)
                TensorPrimitives.Add(db, OutputGradient.Slice(r * Channels + first, count), db);
        }
    }

    /// <summary>Differentiates output = x + bias: biasGradient[c] += Σ_n outputGradient[n, c].</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape; thrown before any work.</exception>
    public static void Backward(Span<float> biasGradient, ReadOnlySpan<float> outputGradient, int rows, int channels)
    {
        using var profile = KernelProfile.Time(KernelCategory.Bias);
        int n = KernelArguments.Product(rows, channels, nameof(rows), nameof(channels));
        KernelArguments.AtLeast(outputGradient.Length, n, nameof(outputGradient));
        KernelArguments.AtLeast(biasGradient.Length, channels, nameof(biasGradient));
        ComputePool.For(KernelParallel.Chunks(channels, ColumnsPerItem),
            new BackwardBody { BiasGradient = biasGradient, OutputGradient = outputGradient, Rows = rows, Channels = channels });
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
