// tanh and its backward, for BERT's pooler ("tanh" activation). Forward is TensorPrimitives.Tanh;
// backward recomputes tanh in stack chunks rather than caching the output. Not GELU's tanh form.
using System.Numerics.Tensors;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Hyperbolic tangent activation.</summary>
public static class TanhKernel
{
    private const int Chunk = 256;

    /// <summary>output[i] = tanh(input[i]). output may alias input.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        KernelArguments.SameLength(output.Length, input.Length, nameof(output), nameof(input));
        TensorPrimitives.Tanh(input, output);
    }

    /// <summary>Differentiates y = tanh(x): inputGradient[i] += (1 - tanh²(input[i]))·outputGradient[i].</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Backward(Span<float> inputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        KernelArguments.SameLength(input.Length, inputGradient.Length, nameof(input), nameof(inputGradient));
        KernelArguments.SameLength(outputGradient.Length, inputGradient.Length, nameof(outputGradient), nameof(inputGradient));
        Span<float> t = stackalloc float[Chunk];
        for (int i = 0; i < input.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, input.Length - i);
            var tc = t[..n];
            var dIn = inputGradient.Slice(i, n);
            var dOut = outputGradient.Slice(i, n);
            TensorPrimitives.Tanh(input.Slice(i, n), tc);
            // dIn += dOut - t²·dOut
            TensorPrimitives.Add(dIn, dOut, dIn);
            TensorPrimitives.Multiply(tc, tc, tc);
            TensorPrimitives.Multiply(tc, dOut, tc);
            TensorPrimitives.Subtract(dIn, tc, dIn);
        }
    }

    /// <summary>Naive twin of <see cref="Forward"/> (double).</summary>
    public static void ForwardNaive(Span<float> output, ReadOnlySpan<float> input)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (float)Math.Tanh(input[i]);
    }

    /// <summary>Naive twin of <see cref="Backward"/> (double).</summary>
    public static void BackwardNaive(Span<float> inputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient)
    {
        for (int i = 0; i < input.Length; i++)
        {
            double t = Math.Tanh(input[i]);
            inputGradient[i] += (float)((1 - t * t) * outputGradient[i]);
        }
    }
}
