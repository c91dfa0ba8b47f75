// The feed-forward block's bias add and GELU as one pass over the [rows, channels] pre-activation: each
// row gets its bias and then GELU (and gelu') while it is still in L1, instead of a bias pass over the
// whole 4096 x 1024 block followed by a GELU pass that reads it back from memory. Bit-identical to
// BiasAdd.Forward then Gelu.ForwardWithDerivative (same float operations per element). Not a GEMM epilogue.
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Fused gelu(x + bias) over rows, with or without the stored derivative.</summary>
public static class BiasGelu
{
    /// <summary>
    /// output[n, c] = gelu(input[n, c] + bias[c]) and derivative[n, c] = gelu'(input[n, c] + bias[c]).
    /// output may alias input; derivative may not. Shapes: input, output, derivative [rows, channels], bias [channels].
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape; thrown before any work.</exception>
    public static void ForwardWithDerivative(Span<float> output, Span<float> derivative, ReadOnlySpan<float> input, ReadOnlySpan<float> bias,
        int rows, int channels, GeluApproximation form)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        Check(output.Length, input.Length, bias.Length, rows, channels);
        KernelArguments.AtLeast(derivative.Length, rows * channels, nameof(derivative));
        Run(output, derivative, input, bias, rows, channels, form);
    }

    /// <summary>output[n, c] = gelu(input[n, c] + bias[c]) (inference: no derivative kept). output may alias input.</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape; thrown before any work.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> bias, int rows, int channels, GeluApproximation form)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        Check(output.Length, input.Length, bias.Length, rows, channels);
        Run(output, default, input, bias, rows, channels, form);
    }

    /// <summary>Naive twin in double: gelu(x + b) and gelu'(x + b) per element (derivative may be empty).</summary>
    public static void ForwardNaive(Span<float> output, Span<float> derivative, ReadOnlySpan<float> input, ReadOnlySpan<float> bias,
        int rows, int channels, GeluApproximation form)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < channels; c++)
            {
                int i = r * channels + c;
                double x = (double)input[i] + bias[c];
                output[i] = (float)Gelu.ValueDouble(x, form);
                if (!derivative.IsEmpty) derivative[i] = (float)Gelu.DerivativeDouble(x, form);
            }
    }

    private static void Check(int outputLength, int inputLength, int biasLength, int rows, int channels)
    {
        int n = KernelArguments.Product(rows, channels, nameof(rows), nameof(channels));
        KernelArguments.AtLeast(outputLength, n, "output");
        KernelArguments.AtLeast(inputLength, n, "input");
        KernelArguments.AtLeast(biasLength, channels, "bias");
    }

    private static void Run(Span<float> output, Span<float> derivative, ReadOnlySpan<float> input, ReadOnlySpan<float> bias,
        int rows, int channels, GeluApproximation form)
    {
        // Whole rows per item, a fixed count, so each element's value never depends on the thread count.
        int rowsPerItem = Math.Max(1, KernelParallel.Elements / Math.Max(channels, 1));
        ComputePool.For(KernelParallel.Chunks(rows, rowsPerItem), new Body
        {
            Output = output, Derivative = derivative, Input = input, Bias = bias[..channels], Rows = rows, RowsPerItem = rowsPerItem, Form = form,
        });
    }

    private ref struct Body : IComputeBody
    {
        public Span<float> Output, Derivative;
        public ReadOnlySpan<float> Input, Bias;
        public int Rows, RowsPerItem;
        public GeluApproximation Form;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Execute(int index)
        {
            var (first, count) = KernelParallel.Range(index, RowsPerItem, Rows);
            int c = Bias.Length;
            for (int r = first; r < first + count; r++)
            {
                var row = Output.Slice(r * c, c);
                TensorPrimitives.Add(Input.Slice(r * c, c), Bias, row);
                if (Derivative.IsEmpty) Gelu.ForwardRange(row, row, Form);
                else Gelu.ForwardDerivativeRange(row, Derivative.Slice(r * c, c), row, Form);
            }
        }
    }
}
