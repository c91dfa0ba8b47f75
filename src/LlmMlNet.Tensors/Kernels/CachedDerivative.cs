// The backward of an element-wise activation whose forward stored f'(x): inputGradient = f'(x) ⊙ outputGradient,
// one multiply per element instead of re-evaluating f' (GELU's erf). Split over ComputePool in fixed chunks,
// so the result does not depend on the thread count. Not the forward: the activation kernels store f'.
using System.Numerics.Tensors;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Applies a cached activation derivative.</summary>
public static class CachedDerivative
{
    /// <summary>inputGradient[i] = derivative[i] · outputGradient[i] (overwrites). inputGradient may alias outputGradient.</summary>
    /// <exception cref="ArgumentException">Lengths differ; thrown before any work.</exception>
    public static void Backward(Span<float> inputGradient, ReadOnlySpan<float> derivative, ReadOnlySpan<float> outputGradient)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        KernelArguments.SameLength(derivative.Length, inputGradient.Length, nameof(derivative), nameof(inputGradient));
        KernelArguments.SameLength(outputGradient.Length, inputGradient.Length, nameof(outputGradient), nameof(inputGradient));
        ComputePool.For(KernelParallel.Chunks(inputGradient.Length, KernelParallel.Elements),
            new BackwardBody { InputGradient = inputGradient, Derivative = derivative, OutputGradient = outputGradient });
    }

    private ref struct BackwardBody : IComputeBody
    {
        public Span<float> InputGradient;
        public ReadOnlySpan<float> Derivative, OutputGradient;

        public readonly void Execute(int index)
        {
            var (start, length) = KernelParallel.Range(index, KernelParallel.Elements, InputGradient.Length);
            TensorPrimitives.Multiply(Derivative.Slice(start, length), OutputGradient.Slice(start, length), InputGradient.Slice(start, length));
        }
    }

    /// <summary>Naive twin of <see cref="Backward"/>.</summary>
    public static void BackwardNaive(Span<float> inputGradient, ReadOnlySpan<float> derivative, ReadOnlySpan<float> outputGradient)
    {
        for (int i = 0; i < inputGradient.Length; i++) inputGradient[i] = derivative[i] * outputGradient[i];
    }
}
