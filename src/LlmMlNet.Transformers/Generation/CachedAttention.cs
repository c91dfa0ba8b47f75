// Causal self-attention of new tokens against a KV cache: appends the new keys and values to the
// cache, then each query attends over the cached slots up to its own, skipping padded slots (Hugging
// Face adds finfo.min to them, so their weight is exactly 0 there too). Parallel over (row, head).
// Not the projections around it (CachedCausalLm) and not the training attention (Layers).
using System.Numerics.Tensors;
using LlmMlNet.Tensors;

namespace LlmMlNet.Transformers.Generation;

/// <summary>Attention over a <see cref="KvCache"/> layer.</summary>
internal static class CachedAttention
{
    /// <summary>
    /// q, k, v, context: [batch, newTokens, C] (C = heads × headSize). Writes k and v into the layer's cache at
    /// slots [cache.Length, cache.Length + newTokens) (the caller has already written the new slots' mask bits) and
    /// context = softmax(q·Kᵀ/√hs over real slots ≤ own slot)·V; a padded query's context is 0 (nothing reads it).
    /// </summary>
    public static void Forward(KvCache cache, int layer, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        Span<float> context, int batch, int newTokens)
    {
        int heads = cache.Heads, hs = cache.HeadSize, c = heads * hs, cap = cache.Capacity, start = cache.Length;
        var keys = cache.Keys[layer];
        var values = cache.Values[layer];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < newTokens; i++)
            {
                int row = (b * newTokens + i) * c;
                for (int h = 0; h < heads; h++)
                {
                    int slot = ((b * heads + h) * cap + start + i) * hs;
                    k.Slice(row + h * hs, hs).CopyTo(keys.AsSpan(slot, hs));
                    v.Slice(row + h * hs, hs).CopyTo(values.AsSpan(slot, hs));
                }
            }
        unsafe
        {
            fixed (float* qp = q, cp = context)
            {
                ComputePool.For(batch * heads, new Body
                {
                    Cache = cache, Keys = keys, Values = values, Q = qp, Context = cp, NewTokens = newTokens,
                    Scale = 1f / MathF.Sqrt(hs),
                });
            }
        }
    }

    private unsafe struct Body : IComputeBody
    {
        public KvCache Cache;
        public float[] Keys, Values;
        public float* Q, Context;
        public int NewTokens;
        public float Scale;

        public readonly void Execute(int index)
        {
            int heads = Cache.Heads, hs = Cache.HeadSize, c = heads * hs, cap = Cache.Capacity, start = Cache.Length;
            int b = index / heads, h = index % heads;
            var mask = Cache.Mask.AsSpan(b * cap, cap);
            var scores = Cache.Scores.AsSpan(index * cap, cap);
            var keys = Keys.AsSpan(index * cap * hs, cap * hs);
            var values = Values.AsSpan(index * cap * hs, cap * hs);
            for (int i = 0; i < NewTokens; i++)
            {
                int self = start + i;
                var query = new ReadOnlySpan<float>(Q + (nint)(b * NewTokens + i) * c + h * hs, hs);
                var output = new Span<float>(Context + (nint)(b * NewTokens + i) * c + h * hs, hs);
                output.Clear();
                if (mask[self] == 0) continue;
                float max = float.NegativeInfinity;
                for (int j = 0; j <= self; j++)
                {
                    if (mask[j] == 0) continue;
                    float s = TensorPrimitives.Dot(query, keys.Slice(j * hs, hs)) * Scale;
                    scores[j] = s;
                    if (s > max) max = s;
                }
                float sum = 0f;
                for (int j = 0; j <= self; j++)
                {
                    if (mask[j] == 0) continue;
                    float e = MathF.Exp(scores[j] - max);
                    scores[j] = e;
                    sum += e;
                }
                float inv = 1f / sum;
                for (int j = 0; j <= self; j++)
                {
                    if (mask[j] == 0) continue;
                    TensorPrimitives.MultiplyAdd(values.Slice(j * hs, hs), scores[j] * inv, output, output);
                }
            }
        }
    }
}
