// What Hugging Face's generate() does to one row's next-token logits before it picks a token, in its
// order: the repetition penalty (a logits processor, greedy too), then, when sampling, the warpers
// temperature, top-k and top-p, the softmax, and a draw from the distribution with a counter-based
// uniform. Greedy takes the first index of the maximum, as torch.argmax. Not the search loop.
using System.Numerics.Tensors;

namespace LlmMlNet.Transformers.Generation;

/// <summary>Logit processors, warpers and token choice for one row of logits [vocab].</summary>
internal static class LogitsProcessing
{
    /// <summary>RepetitionPenaltyLogitsProcessor: each distinct seen token's logit is divided by penalty when positive, multiplied when negative.</summary>
    public static void RepetitionPenalty(Span<float> logits, ReadOnlySpan<bool> seen, float penalty)
    {
        if (penalty == 1f) return;
        for (var i = 0; i < logits.Length; i++)
            if (seen[i]) logits[i] = logits[i] < 0 ? logits[i] * penalty : logits[i] / penalty;
    }

    /// <summary>TemperatureLogitsWarper: logits / temperature.</summary>
    public static void Temperature(Span<float> logits, float temperature)
    {
        if (temperature != 1f) TensorPrimitives.Divide(logits, temperature, logits);
    }

    /// <summary>TopKLogitsWarper: logits below the k-th largest become -∞ (ties with it stay); k = 0 or k ≥ vocab does nothing.</summary>
    public static void TopK(Span<float> logits, int k, float[] scratch)
    {
        if (k <= 0 || k >= logits.Length) return;
        var threshold = KthLargest(logits, k, scratch);
        for (var i = 0; i < logits.Length; i++)
            if (logits[i] < threshold) logits[i] = float.NegativeInfinity;
    }

    /// <summary>
    /// TopPLogitsWarper: sorted ascending, tokens whose cumulative probability (from the least likely) is at most 1 - topP
    /// become -∞; the most likely token always stays. topP = 1 does nothing.
    /// </summary>
    public static void TopP(Span<float> logits, float topP, float[] scratch, int[] order)
    {
        if (topP >= 1f) return;
        int n = 0;
        for (var i = 0; i < logits.Length; i++)
            if (!float.IsNegativeInfinity(logits[i])) order[n++] = i;
        var candidates = order.AsSpan(0, n);
        var values = scratch.AsSpan(0, n);
        for (var i = 0; i < n; i++) values[i] = logits[candidates[i]];
        values.Sort(candidates);
        // Probabilities of the candidates (the -∞ rest have probability 0).
        float max = values[n - 1], sum = 0f;
        for (var i = 0; i < n; i++) sum += MathF.Exp(values[i] - max);
        float cumulative = 0f, limit = 1f - topP;
        for (var i = 0; i < n - 1; i++)
        {
            cumulative += MathF.Exp(values[i] - max) / sum;
            if (cumulative > limit) break;
            logits[candidates[i]] = float.NegativeInfinity;
        }
    }

    /// <summary>Softmax of the logits into <paramref name="probabilities"/> (-∞ gives 0).</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, probabilities);
        TensorPrimitives.Exp(probabilities, probabilities);
        TensorPrimitives.Divide(probabilities, TensorPrimitives.Sum(probabilities), probabilities);
    }

    /// <summary>The index whose cumulative probability first exceeds <paramref name="uniform"/> ∈ [0, 1) (skipping zero-probability tokens).</summary>
    public static int Sample(ReadOnlySpan<float> probabilities, double uniform)
    {
        double cumulative = 0;
        int lastPositive = -1;
        for (var i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] <= 0f) continue;
            lastPositive = i;
            cumulative += probabilities[i];
            if (uniform < cumulative) return i;
        }
        return lastPositive; // rounding left the total just under 1
    }

    /// <summary>The first index of the maximum (torch.argmax).</summary>
    public static int Argmax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (var i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    // The k-th largest value by a min-heap of size k over scratch: O(V log k), no sort of the vocabulary.
    private static float KthLargest(ReadOnlySpan<float> values, int k, float[] scratch)
    {
        var heap = scratch.AsSpan(0, k);
        values[..k].CopyTo(heap);
        for (var i = k / 2 - 1; i >= 0; i--) SiftDown(heap, i);
        for (var i = k; i < values.Length; i++)
        {
            if (!(values[i] > heap[0])) continue;
            heap[0] = values[i];
            SiftDown(heap, 0);
        }
        return heap[0];
    }

    private static void SiftDown(Span<float> heap, int i)
    {
        while (true)
        {
            int left = 2 * i + 1, right = left + 1, smallest = i;
            if (left < heap.Length && heap[left] < heap[smallest]) smallest = left;
            if (right < heap.Length && heap[right] < heap[smallest]) smallest = right;
            if (smallest == i) return;
            (heap[i], heap[smallest]) = (heap[smallest], heap[i]);
            i = smallest;
        }
    }
}
