// Global-norm gradient clipping with torch.nn.utils.clip_grad_norm_ semantics: total L2 norm,
// scale by maxNorm / (norm + 1e-6) when that is below 1, return the pre-clip norm. The norm is
// summed in double over float chunks. Not per-tensor or value clipping.
using System.Numerics.Tensors;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Gradient norm and clipping over one flat gradient buffer.</summary>
public static class GradientClipping
{
    private const int Chunk = 4096;

    /// <summary>√(Σ g²), accumulated in double across chunks of float partial sums.</summary>
    public static double GlobalNorm(ReadOnlySpan<float> gradients)
    {
        using var profile = KernelProfile.Time(KernelCategory.Optimizer);
        double sum = 0;
        for (int i = 0; i < gradients.Length; i += Chunk)
            sum += TensorPrimitives.SumOfSquares(gradients.Slice(i, Math.Min(Chunk, gradients.Length - i)));
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// Scales <paramref name="gradients"/> by maxNorm/(norm + 1e-6) when that factor is below 1 and
    /// returns the norm before clipping. A non-finite norm is returned without scaling (callers
    /// decide to skip the step); PyTorch would fill the gradients with NaN instead.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="maxNorm"/> is negative or NaN.</exception>
    public static double ClipByGlobalNorm(Span<float> gradients, double maxNorm)
    {
        using var profile = KernelProfile.Time(KernelCategory.Optimizer);
        if (!(maxNorm >= 0)) throw new ArgumentException($"maxNorm must be >= 0, got {maxNorm}.", nameof(maxNorm));
        double norm = GlobalNorm(gradients);
        double coefficient = maxNorm / (norm + 1e-6);
        if (double.IsFinite(norm) && coefficient < 1.0)
            TensorPrimitives.Multiply(gradients, (float)coefficient, gradients);
        return norm;
    }

    /// <summary>Naive twin of <see cref="GlobalNorm"/>: one double sum.</summary>
    public static double GlobalNormNaive(ReadOnlySpan<float> gradients)
    {
        double sum = 0;
        foreach (float g in gradients) sum += (double)g * g;
        return Math.Sqrt(sum);
    }
}
