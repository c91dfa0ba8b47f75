// Row softmax for attention scores with a key padding mask per batch entry and an optional causal
// mask; always max-subtracted. A row with no visible key gives all zeros (not NaN, and not the
// uniform row PyTorch's additive finfo.min mask gives): padding queries then contribute nothing.
// Not the score scaling (the QKᵀ GEMM applies 1/√d) and not dropout.
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Masked softmax over the last axis of [batch, heads, seq, seq] attention scores.</summary>
public static class MaskedSoftmax
{
    /// <summary>
    /// probs[b,h,q,k] = softmax over visible k of scores[b,h,q,:], where k is visible when
    /// keyMask[b,k] != 0 (empty keyMask: all keys) and, if causal, k ≤ q. Invisible entries are 0.
    /// Shapes: probs, scores [batch, heads, seq, seq]; keyMask [batch, seq] or empty.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too short; thrown before any work.</exception>
    public static void Forward(Span<float> probs, ReadOnlySpan<float> scores, ReadOnlySpan<int> keyMask,
        bool causal, int batch, int heads, int seq)
    {
        using var profile = KernelProfile.Time(KernelCategory.Softmax);
        int rows = Check(probs.Length, scores.Length, keyMask.Length, batch, heads, seq, nameof(probs), nameof(scores));
        int rowsPerItem = RowsPerItem(seq);
        ComputePool.For(KernelParallel.Chunks(rows, rowsPerItem), new ForwardBody
        {
            Probs = probs, Scores = scores, KeyMask = keyMask, Causal = causal, Heads = heads, Seq = seq, Rows = rows, RowsPerItem = rowsPerItem,
        });
    }

    private static int RowsPerItem(int seq) => Math.Max(1, KernelParallel.Elements / 4 / Math.Max(seq, 1));

    private ref struct ForwardBody : IComputeBody
    {
        public Span<float> Probs;
        public ReadOnlySpan<float> Scores;
        public ReadOnlySpan<int> KeyMask;
        public bool Causal;
        public int Heads, Seq, Rows, RowsPerItem;

        public readonly void Execute(int index)
        {
            var (first, count) = KernelParallel.Range(index, RowsPerItem, Rows);
            ForwardRows(Probs, Scores, KeyMask, Causal, Heads, Seq, first, first + count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows(Span<float> probs, ReadOnlySpan<float> scores, ReadOnlySpan<int> keyMask,
        bool causal, int heads, int seq, int firstRow, int endRow)
    {
        int currentBatch = -1, visiblePrefix = seq;
        bool prefixMask = true;
        for (int row = firstRow; row < endRow; row++)
        {
            int q = row % seq, b = row / (heads * seq);
            if (b != currentBatch)
            {
                // Right padding (1…1 0…0) is the common case: then the visible keys are a prefix and no -inf writes are needed.
                currentBatch = b;
                (visiblePrefix, prefixMask) = keyMask.IsEmpty ? (seq, true) : VisiblePrefix(keyMask.Slice(b * seq, seq));
            }
            int len = causal ? q + 1 : seq;
            if (prefixMask) len = Math.Min(len, visiblePrefix);
            var p = probs.Slice(row * seq, seq);
            var s = scores.Slice(row * seq, len);
            var visible = p[..len];
            s.CopyTo(visible);
            if (!prefixMask)
            {
                var mask = keyMask.Slice(b * seq, len);
                for (int k = 0; k < len; k++)
                    if (mask[k] == 0) visible[k] = float.NegativeInfinity;
            }
            p[len..].Clear();
            float max = len == 0 ? float.NegativeInfinity : TensorPrimitives.Max(visible);
            if (float.IsNegativeInfinity(max))
            {
                visible.Clear();
                continue;
            }
            float sum = ExpShifted(visible, max);
            TensorPrimitives.Multiply(visible, 1f / sum, visible);
        }
    }

    // values[k] = exp(values[k] - max) with the vectorised FastExp (TensorPrimitives.Exp is several times slower);
    // returns the sum, accumulated in a fixed order. Masked entries (-inf) clamp in FastExp, so they are zeroed explicitly.
    private static float ExpShifted(Span<float> values, float max)
    {
        int i = 0, w = Vector<float>.Count;
        var sumV = Vector<float>.Zero;
        var maxV = new Vector<float>(max);
        var negInf = new Vector<float>(float.NegativeInfinity);
        for (; i <= values.Length - w; i += w)
        {
            var x = new Vector<float>(values[i..]);
            var e = Vector.ConditionalSelect(Vector.Equals(x, negInf), Vector<float>.Zero, FastExp.Exp(x - maxV));
            e.CopyTo(values[i..]);
            sumV += e;
        }
        float sum = Vector.Sum(sumV);
        for (; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max);
            sum += values[i];
        }
        return sum;
    }

    // Leading non-zero count, and whether everything after it is zero (the mask is a prefix).
    private static (int Prefix, bool IsPrefix) VisiblePrefix(ReadOnlySpan<int> mask)
    {
        int prefix = mask.IndexOf(0);
        if (prefix < 0) return (mask.Length, true);
        return (prefix, mask[prefix..].IndexOfAnyExcept(0) < 0);
    }

    /// <summary>
    /// Differentiates probs = softmax(scores): scoresGradient[k] += p[k]·(dp[k] - Σ_j p[j]·dp[j]) per row.
    /// Masked entries have p = 0 and get no gradient; <paramref name="causal"/> only skips the zero upper triangle.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too short; thrown before any work.</exception>
    public static void Backward(Span<float> scoresGradient, ReadOnlySpan<float> probs, ReadOnlySpan<float> probsGradient,
        bool causal, int batch, int heads, int seq)
    {
        using var profile = KernelProfile.Time(KernelCategory.Softmax);
        int rows = Check(scoresGradient.Length, probs.Length, 0, batch, heads, seq, nameof(scoresGradient), nameof(probs));
        KernelArguments.AtLeast(probsGradient.Length, rows * seq, nameof(probsGradient));
        int rowsPerItem = RowsPerItem(seq);
        ComputePool.For(KernelParallel.Chunks(rows, rowsPerItem), new BackwardBody
        {
            ScoresGradient = scoresGradient, Probs = probs, ProbsGradient = probsGradient, Causal = causal, Seq = seq, Rows = rows, RowsPerItem = rowsPerItem,
        });
    }

    private ref struct BackwardBody : IComputeBody
    {
        public Span<float> ScoresGradient;
        public ReadOnlySpan<float> Probs, ProbsGradient;
        public bool Causal;
        public int Seq, Rows, RowsPerItem;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Execute(int index)
        {
            var (first, count) = KernelParallel.Range(index, RowsPerItem, Rows);
            for (int row = first; row < first + count; row++)
            {
                int len = Causal ? row % Seq + 1 : Seq;
                var p = Probs.Slice(row * Seq, len);
                var dp = ProbsGradient.Slice(row * Seq, len);
                var ds = ScoresGradient.Slice(row * Seq, len);
                float dot = TensorPrimitives.Dot(p, dp);
                TensorPrimitives.MultiplyAdd(p, dp, ds, ds);
                TensorPrimitives.MultiplyAdd(p, -dot, ds, ds);
            }
        }
    }

    /// <summary>Naive twin of <see cref="Forward"/> (double accumulation).</summary>
    public static void ForwardNaive(Span<float> probs, ReadOnlySpan<float> scores, ReadOnlySpan<int> keyMask,
        bool causal, int batch, int heads, int seq)
    {
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
                for (int q = 0; q < seq; q++)
                {
                    int row = ((b * heads + h) * seq + q) * seq;
                    var visible = new bool[seq];
                    for (int k = 0; k < seq; k++) visible[k] = (!causal || k <= q) && (keyMask.IsEmpty || keyMask[b * seq + k] != 0);
                    double max = double.NegativeInfinity;
                    for (int k = 0; k < seq; k++) if (visible[k]) max = Math.Max(max, scores[row + k]);
                    double sum = 0;
                    for (int k = 0; k < seq; k++) if (visible[k]) sum += Math.Exp(scores[row + k] - max);
                    for (int k = 0; k < seq; k++)
                        probs[row + k] = visible[k] ? (float)(Math.Exp(scores[row + k] - max) / sum) : 0f;
                }
    }

    /// <summary>Naive twin of <see cref="Backward"/> (double accumulation).</summary>
    public static void BackwardNaive(Span<float> scoresGradient, ReadOnlySpan<float> probs, ReadOnlySpan<float> probsGradient,
        int batch, int heads, int seq)
    {
        for (int row = 0; row < batch * heads * seq; row++)
        {
            double dot = 0;
            for (int k = 0; k < seq; k++) dot += (double)probs[row * seq + k] * probsGradient[row * seq + k];
            for (int k = 0; k < seq; k++)
                scoresGradient[row * seq + k] += (float)(probs[row * seq + k] * (probsGradient[row * seq + k] - dot));
        }
    }

    private static int Check(int outLength, int inLength, int maskLength, int batch, int heads, int seq, string outName, string inName)
    {
        int bh = KernelArguments.Product(batch, heads, nameof(batch), nameof(heads));
        int rows = KernelArguments.Product(bh, seq, nameof(heads), nameof(seq));
        int n = KernelArguments.Product(rows, seq, nameof(heads), nameof(seq));
        KernelArguments.AtLeast(outLength, n, outName);
        KernelArguments.AtLeast(inLength, n, inName);
        if (maskLength != 0) KernelArguments.AtLeast(maskLength, batch * seq, "keyMask");
        return rows;
    }
}
