// Cross-entropy from logits with an ignore index (PyTorch F.cross_entropy(reduction="mean",
// ignore_index=-100)); forward caches each row's log-sum-exp instead of the [rows, vocab] softmax,
// and the fused backward rebuilds softmax - onehot from it. When every row is ignored the loss is
// 0 with zero gradient (PyTorch returns NaN): a batch without targets then trains nothing.
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Softmax cross-entropy over rows of logits, mean over non-ignored rows.</summary>
public static class CrossEntropy
{
    /// <summary>PyTorch's default ignore index.</summary>
    public const int DefaultIgnoreIndex = -100;

    /// <summary>
    /// Returns mean over rows with targets[n] != ignoreIndex of logSumExp(logits[n,:]) - logits[n, targets[n]]
    /// and caches logSumExp[n] for every row. Shapes: logits [rows, vocab]; targets, logSumExp [rows].
    /// </summary>
    /// <exception cref="ArgumentException">A target outside [0, vocab) that is not the ignore index (the message names the row), or a short buffer; thrown before any work.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Forward(Span<float> logSumExp, ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int rows, int vocab, int ignoreIndex = DefaultIgnoreIndex)
    {
        using var profile = KernelProfile.Time(KernelCategory.Loss);
        Check(logSumExp.Length, nameof(logSumExp), logits.Length, targets, rows, vocab, ignoreIndex);
        double total = 0;
        int count = 0;
        int w = Vector<float>.Count;
        for (int n = 0; n < rows; n++)
        {
            var x = logits.Slice(n * vocab, vocab);
            float max = TensorPrimitives.Max(x);
            var mv = new Vector<float>(max);
            var sv = Vector<float>.Zero;
            int i = 0;
            for (; i <= vocab - w; i += w) sv += FastExp.Exp(new Vector<float>(x[i..]) - mv);
            float sum = Vector.Sum(sv);
            for (; i < vocab; i++) sum += MathF.Exp(x[i] - max);
            float lse = max + MathF.Log(sum);
            logSumExp[n] = lse;
            if (targets[n] == ignoreIndex) continue;
            total += lse - x[targets[n]];
            count++;
        }
        return count == 0 ? 0f : (float)(total / count);
    }

    /// <summary>
    /// Differentiates loss = mean_n(lse_n - logits[n, t_n]): logitsGradient[n,j] += lossGradient/count ·
    /// (softmax(logits[n])_j - [j == t_n]) for non-ignored rows; ignored rows get nothing.
    /// </summary>
    /// <exception cref="ArgumentException">Bad target or short buffer; thrown before any work.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Span<float> logitsGradient, ReadOnlySpan<float> logits, ReadOnlySpan<float> logSumExp, ReadOnlySpan<int> targets,
        int rows, int vocab, float lossGradient = 1f, int ignoreIndex = DefaultIgnoreIndex)
    {
        using var profile = KernelProfile.Time(KernelCategory.Loss);
        int count = Check(logSumExp.Length, nameof(logSumExp), logits.Length, targets, rows, vocab, ignoreIndex);
        KernelArguments.AtLeast(logitsGradient.Length, rows * vocab, nameof(logitsGradient));
        if (count == 0) return;
        float scale = lossGradient / count;
        var scaleV = new Vector<float>(scale);
        int w = Vector<float>.Count;
        for (int n = 0; n < rows; n++)
        {
            int t = targets[n];
            if (t == ignoreIndex) continue;
            var x = logits.Slice(n * vocab, vocab);
            var d = logitsGradient.Slice(n * vocab, vocab);
            var lv = new Vector<float>(logSumExp[n]);
            int i = 0;
            for (; i <= vocab - w; i += w)
                (new Vector<float>(d[i..]) + scaleV * FastExp.Exp(new Vector<float>(x[i..]) - lv)).CopyTo(d[i..]);
            for (; i < vocab; i++) d[i] += scale * MathF.Exp(x[i] - logSumExp[n]);
            d[t] -= scale;
        }
    }

    /// <summary>Naive twin of <see cref="Forward"/> (double precision).</summary>
    public static float ForwardNaive(Span<float> logSumExp, ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int rows, int vocab, int ignoreIndex = DefaultIgnoreIndex)
    {
        double total = 0;
        int count = 0;
        for (int n = 0; n < rows; n++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < vocab; j++) max = Math.Max(max, logits[n * vocab + j]);
            for (int j = 0; j < vocab; j++) sum += Math.Exp(logits[n * vocab + j] - max);
            double lse = max + Math.Log(sum);
            logSumExp[n] = (float)lse;
            if (targets[n] == ignoreIndex) continue;
            total += lse - logits[n * vocab + targets[n]];
            count++;
        }
        return count == 0 ? 0f : (float)(total / count);
    }

    /// <summary>Naive twin of <see cref="Backward"/> (double precision, recomputing the softmax).</summary>
    public static void BackwardNaive(Span<float> logitsGradient, ReadOnlySpan<float> logits, ReadOnlySpan<int> targets,
        int rows, int vocab, float lossGradient = 1f, int ignoreIndex = DefaultIgnoreIndex)
    {
        int count = 0;
        for (int n = 0; n < rows; n++) if (targets[n] != ignoreIndex) count++;
        if (count == 0) return;
        for (int n = 0; n < rows; n++)
        {
            if (targets[n] == ignoreIndex) continue;
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < vocab; j++) max = Math.Max(max, logits[n * vocab + j]);
            for (int j = 0; j < vocab; j++) sum += Math.Exp(logits[n * vocab + j] - max);
            for (int j = 0; j < vocab; j++)
            {
                double p = Math.Exp(logits[n * vocab + j] - max) / sum;
                logitsGradient[n * vocab + j] += (float)((double)lossGradient / count * (p - (j == targets[n] ? 1 : 0)));
            }
        }
    }

    private static int Check(int lseLength, string lseName, int logitsLength, ReadOnlySpan<int> targets, int rows, int vocab, int ignoreIndex)
    {
        int n = KernelArguments.Product(rows, vocab, nameof(rows), nameof(vocab));
        if (vocab == 0 && rows > 0) throw new ArgumentException("vocab must be positive when there are rows.", nameof(vocab));
        KernelArguments.AtLeast(logitsLength, n, "logits");
        KernelArguments.AtLeast(lseLength, rows, lseName);
        KernelArguments.AtLeast(targets.Length, rows, nameof(targets));
        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            int t = targets[r];
            if (t == ignoreIndex) continue;
            if ((uint)t >= (uint)vocab)
                throw new ArgumentException($"targets[{r}] = {t} is outside [0, {vocab}) and is not the ignore index {ignoreIndex}.", nameof(targets));
            count++;
        }
        return count;
    }
}
