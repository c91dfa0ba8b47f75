// Shuffles a stream through a bounded buffer (tf.data's shuffle): fill the buffer, then each new
// example swaps out a uniformly drawn resident. Memory is the buffer size, not the dataset size;
// the order depends only on (seed, epoch). Not a full permutation for datasets larger than the buffer.
using LlmMlNet.Tensors;

namespace LlmMlNet.Transformers.Training;

/// <summary>Deterministic bounded-buffer shuffling of an enumerable.</summary>
public static class StreamingShuffle
{
    private const ulong ShuffleStream = 0x5AFF1E5UL;

    /// <summary>
    /// Yields <paramref name="source"/> in an order drawn from (<paramref name="seed"/>, <paramref name="epoch"/>)
    /// with at most <paramref name="bufferSize"/> examples held; a buffer of 0 or 1 yields the source order.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="bufferSize"/> is negative.</exception>
    public static IEnumerable<T> Shuffle<T>(IEnumerable<T> source, int bufferSize, ulong seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (bufferSize < 0) throw new ArgumentException($"bufferSize must be >= 0, got {bufferSize}.", nameof(bufferSize));
        return bufferSize <= 1 ? source : Iterate(source, bufferSize, seed, epoch);
    }

    private static IEnumerable<T> Iterate<T>(IEnumerable<T> source, int bufferSize, ulong seed, int epoch)
    {
        var buffer = new List<T>(Math.Min(bufferSize, 1 << 16));
        ulong draw = 0, stream = ShuffleStream + (ulong)epoch;
        foreach (var item in source)
        {
            if (buffer.Count < bufferSize)
            {
                buffer.Add(item);
                continue;
            }
            int j = Pick(seed, stream, draw++, buffer.Count);
            yield return buffer[j];
            buffer[j] = item;
        }
        // Drain: a Fisher-Yates pass over what is left.
        for (int n = buffer.Count; n > 0; n--)
        {
            int j = Pick(seed, stream, draw++, n);
            yield return buffer[j];
            buffer[j] = buffer[n - 1];
        }
    }

    private static int Pick(ulong seed, ulong stream, ulong counter, int count)
        => (int)((CounterRng.Hash(seed, stream, counter) >> 11) % (ulong)count);
}
