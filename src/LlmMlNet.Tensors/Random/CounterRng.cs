// Counter-based random numbers: every value is a pure hash of (seed, stream, counter), so results
// never depend on call order or thread scheduling. Not a cryptographic generator and not a
// stateful System.Random replacement: there is deliberately no hidden state to advance.
namespace LlmMlNet.Tensors;

/// <summary>
/// Stateless, counter-based random numbers (SplitMix64-style finalisers). The same
/// (seed, stream, counter) always yields the same value, on any thread, in any order.
/// </summary>
public static class CounterRng
{
    /// <summary>Mixes a 64-bit value (the SplitMix64 finaliser); a bijection with good avalanche.</summary>
    public static ulong Mix64(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x;
    }

    /// <summary>Mixes a 32-bit value (the "lowbias32" finaliser); cheap enough for per-element masks.</summary>
    public static uint Mix32(uint x)
    {
        x ^= x >> 16;
        x *= 0x7FEB352DU;
        x ^= x >> 15;
        x *= 0x846CA68BU;
        x ^= x >> 16;
        return x;
    }

    /// <summary>Hashes (seed, stream, counter) to 64 uniformly distributed bits.</summary>
    public static ulong Hash(ulong seed, ulong stream, ulong counter)
        => Mix64(Mix64(Mix64(seed ^ 0x9E3779B97F4A7C15UL) + stream) + counter);

    /// <summary>A uniform float in [0, 1) with 24 random bits, from (seed, stream, counter).</summary>
    public static float UniformFloat(ulong seed, ulong stream, ulong counter)
        => (Hash(seed, stream, counter) >> 40) * (1.0f / (1 << 24));

    /// <summary>A uniform double in [0, 1) with 53 random bits, from (seed, stream, counter).</summary>
    public static double UniformDouble(ulong seed, ulong stream, ulong counter)
        => (Hash(seed, stream, counter) >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// A standard normal sample for element <paramref name="counter"/> (Box-Muller on two
    /// uniforms drawn from counters 2i and 2i+1 of the stream, so each element is independent).
    /// </summary>
    public static double StandardNormal(ulong seed, ulong stream, ulong counter)
    {
        // 1 - u keeps the logarithm's argument in (0, 1].
        double u1 = 1.0 - UniformDouble(seed, stream, 2 * counter);
        double u2 = UniformDouble(seed, stream, 2 * counter + 1);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Derives a 32-bit per-call key for the dropout hash from (seed, step).</summary>
    public static (uint Low, uint High) DropoutKey(ulong seed, long step)
    {
        ulong h = Hash(seed, 0xD50D50D5UL, unchecked((ulong)step));
        return ((uint)h, (uint)(h >> 32));
    }

    /// <summary>The 32-bit hash behind dropout's keep bit for one element index under a key.</summary>
    public static uint DropoutBits(uint keyLow, uint keyHigh, uint index)
        => Mix32(Mix32(index + keyLow) ^ keyHigh);
}
