// Residual add, out = a + b, and its backward (the gradient flows unchanged to both inputs).
// Deliberately tiny: models use it around attention and feed-forward blocks.
using System.Numerics.Tensors;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Element-wise residual connection.</summary>
public static class Residual
{
    /// <summary>output[i] = a[i] + b[i] for i in [0, count). output may alias a or b.</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than <paramref name="count"/>.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int count)
    {
        using var profile = KernelProfile.Time(KernelCategory.Elementwise);
        KernelArguments.NonNegative(count, nameof(count));
        KernelArguments.AtLeast(output.Length, count, nameof(output));
        KernelArguments.AtLeast(a.Length, count, nameof(a));
        KernelArguments.AtLeast(b.Length, count, nameof(b));
        ComputePool.For(KernelParallel.Chunks(count, KernelParallel.Elements), new ForwardBody { Output = output, A = a, B = b, Count = count });
    }

    private ref struct ForwardBody : IComputeBody
    {
        public Span<float> Output;
        public ReadOnlySpan<float> A, B;
        public int Count;

        public readonly void Execute(int index)
        {
            var (start, length) = KernelParallel.Range(index, KernelParallel.Elements, Count);
            TensorPrimitives.Add(A.Slice(start, length), B.Slice(start, length), Output.Slice(start, length));
        }
    }

    /// <summary>Differentiates output = a + b: aGradient += outputGradient; bGradient += outputGradient.</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than <paramref name="count"/>.</exception>
    public static void Backward(Span<float> aGradient, Span<float> bGradient, ReadOnlySpan<float> outputGradient, int count)
    {
        using var profile = KernelProfile.Time(KernelCategory.Elementwise);
        KernelArguments.NonNegative(count, nameof(count));
        KernelArguments.AtLeast(aGradient.Length, count, nameof(aGradient));
        KernelArguments.AtLeast(bGradient.Length, count, nameof(bGradient));
        KernelArguments.AtLeast(outputGradient.Length, count, nameof(outputGradient));
        var d = outputGradient[..count];
        TensorPrimitives.Add(aGradient[..count], d, aGradient[..count]);
        TensorPrimitives.Add(bGradient[..count], d, bGradient[..count]);
    }

    /// <summary>Naive twin of <see cref="Forward"/>.</summary>
    public static void ForwardNaive(Span<float> output, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int count)
    {
        for (int i = 0; i < count; i++) output[i] = a[i] + b[i];
    }

    /// <summary>Naive twin of <see cref="Backward"/>.</summary>
    public static void BackwardNaive(Span<float> aGradient, Span<float> bGradient, ReadOnlySpan<float> outputGradient, int count)
    {
        for (int i = 0; i < count; i++)
        {
            aGradient[i] += outputGradient[i];
            bGradient[i] += outputGradient[i];
        }
    }
}
