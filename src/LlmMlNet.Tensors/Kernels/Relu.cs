// ReLU, out = max(x, 0), and its backward (gradient passes where x > 0). Not leaky or clipped.
using System.Numerics;
using System.Numerics.Tensors;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Rectified linear unit.</summary>
public static class Relu
{
    /// <summary>output[i] = max(input[i], 0). output may alias input.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        KernelArguments.SameLength(output.Length, input.Length, nameof(output), nameof(input));
        TensorPrimitives.Max(input, 0f, output);
    }

    /// <summary>Differentiates output = max(x, 0): inputGradient += x > 0 ? outputGradient : 0.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Backward(Span<float> inputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        KernelArguments.SameLength(input.Length, inputGradient.Length, nameof(input), nameof(inputGradient));
        KernelArguments.SameLength(outputGradient.Length, inputGradient.Length, nameof(outputGradient), nameof(inputGradient));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<float>.Count;
            for (; i <= input.Length - w; i += w)
            {
                var x = new Vector<float>(input[i..]);
                var d = new Vector<float>(outputGradient[i..]);
                var g = new Vector<float>(inputGradient[i..]);
                (g + Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), d, Vector<float>.Zero)).CopyTo(inputGradient[i..]);
            }
        }
        for (; i < input.Length; i++)
            if (input[i] > 0f) inputGradient[i] += outputGradient[i];
    }

    /// <summary>Naive twin of <see cref="Forward"/>.</summary>
    public static void ForwardNaive(Span<float> output, ReadOnlySpan<float> input)
    {
        for (int i = 0; i < input.Length; i++) output[i] = input[i] > 0f ? input[i] : 0f;
    }

    /// <summary>Naive twin of <see cref="Backward"/>.</summary>
    public static void BackwardNaive(Span<float> inputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient)
    {
        for (int i = 0; i < input.Length; i++)
            if (input[i] > 0f) inputGradient[i] += outputGradient[i];
    }
}
