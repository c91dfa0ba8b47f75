// A tiny deterministic random source (SplitMix64) for the synthetic data generators, so the same
// seed gives the same data on every .NET version and platform. Not for cryptography or training
// (the training loop has its own RNG with saved state).

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>SplitMix64: a fast, well-mixed 64-bit generator whose sequence depends only on the seed.</summary>
internal sealed class SyntheticRandom(ulong seed)
{
    private ulong state = seed;

    /// <summary>Creates a generator from a signed seed and a stream label, so different generators with the same user seed differ.</summary>
    public SyntheticRandom(int seed, string stream) : this(Mix((ulong)(uint)seed, stream))
    {
    }

    public ulong NextUInt64()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, exclusiveMax).</summary>
    public int Next(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        return (int)(NextUInt64() % (ulong)exclusiveMax);
    }

    /// <summary>Uniform integer in [min, exclusiveMax).</summary>
    public int Next(int min, int exclusiveMax) => min + Next(exclusiveMax - min);

    /// <summary>Uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong seed, string stream)
    {
        // FNV-1a over the stream label, folded into the seed.
        var hash = 14695981039346656037UL;
        foreach (var ch in stream)
        {
            hash ^= ch;
            hash *= 1099511628211UL;
        }
        return seed * 0x9E3779B97F4A7C15UL ^ hash;
    }
}
