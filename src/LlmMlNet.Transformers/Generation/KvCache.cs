// The key/value cache of a causal decoder: every layer's keys and values of the tokens seen so far,
// [batch, heads, capacity, head size] per layer, with each slot's attention-mask bit and each row's
// count of real tokens (GPT-2's generation positions). A new token then costs one incremental step
// (attend over the cache), not a forward over the whole prefix. Not the decoder (CachedCausalLm).
namespace LlmMlNet.Transformers.Generation;

/// <summary>Keys and values of the tokens a <see cref="CachedCausalLm"/> has seen, per layer.</summary>
public sealed class KvCache
{
    internal KvCache(int layers, int batch, int heads, int headSize, int capacity)
    {
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}", nameof(batch));
        if (capacity <= 0) throw new ArgumentException($"capacity must be positive, got {capacity}", nameof(capacity));
        Layers = layers;
        Batch = batch;
        Heads = heads;
        HeadSize = headSize;
        Capacity = capacity;
        int perLayer = checked(batch * heads * capacity * headSize);
        Keys = new float[layers][];
        Values = new float[layers][];
        for (var l = 0; l < layers; l++)
        {
            Keys[l] = new float[perLayer];
            Values[l] = new float[perLayer];
        }
        Mask = new int[checked(batch * capacity)];
        RealTokens = new int[batch];
        Scores = new float[checked(batch * heads * capacity)];
    }

    /// <summary>Layers cached.</summary>
    public int Layers { get; }

    /// <summary>Rows (sequences).</summary>
    public int Batch { get; }

    /// <summary>Attention heads per layer.</summary>
    public int Heads { get; }

    /// <summary>Width of one head.</summary>
    public int HeadSize { get; }

    /// <summary>Most tokens per row the cache holds (padding included).</summary>
    public int Capacity { get; }

    /// <summary>Tokens per row cached so far (padding included); the next token goes to this slot.</summary>
    public int Length { get; internal set; }

    /// <summary>Bytes held by keys and values.</summary>
    public long Bytes => 2L * Layers * Keys[0].Length * sizeof(float);

    /// <summary>Empties the cache (the buffers stay allocated for the next sequence).</summary>
    public void Reset()
    {
        Length = 0;
        Array.Clear(RealTokens);
    }

    // Per layer: [batch, heads, capacity, headSize].
    internal float[][] Keys { get; }
    internal float[][] Values { get; }

    // [batch, capacity]: 1 where a slot holds a real token, 0 for padding.
    internal int[] Mask { get; }

    // Per row: real tokens so far (the next real token's position id is this count).
    internal int[] RealTokens { get; }

    // [batch × heads, capacity]: one attention row per (row, head) work item.
    internal float[] Scores { get; }
}
