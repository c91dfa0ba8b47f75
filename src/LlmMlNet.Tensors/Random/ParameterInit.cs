// Reproducible parameter initialisers (normal with std, Kaiming-uniform, constants) over spans.
// Each element's value depends only on (seed, stream, element index), never on thread count.
// Not a registry of per-model init schemes: models pick the scheme and std per tensor.
namespace LlmMlNet.Tensors;

/// <summary>Deterministic parameter initialisation driven by <see cref="CounterRng"/>.</summary>
public static class ParameterInit
{
    /// <summary>Fills <paramref name="destination"/> with N(mean, std²) samples.</summary>
    /// <param name="destination">Values to overwrite.</param>
    /// <param name="std">Standard deviation; must be finite and non-negative.</param>
    /// <param name="seed">Global seed.</param>
    /// <param name="stream">Distinguishes tensors under one seed (e.g. a hash of the tensor name).</param>
    /// <param name="mean">Mean; default 0.</param>
    /// <exception cref="ArgumentException"><paramref name="std"/> is negative or not finite.</exception>
    public static void Normal(Span<float> destination, float std, ulong seed, ulong stream, float mean = 0f)
    {
        if (!(std >= 0f) || float.IsInfinity(std))
            throw new ArgumentException($"std must be finite and >= 0, got {std}.", nameof(std));
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)(mean + std * CounterRng.StandardNormal(seed, stream, (ulong)i));
    }

    /// <summary>Fills with U(-bound, bound) samples.</summary>
    /// <exception cref="ArgumentException"><paramref name="bound"/> is negative or not finite.</exception>
    public static void Uniform(Span<float> destination, float bound, ulong seed, ulong stream)
    {
        if (!(bound >= 0f) || float.IsInfinity(bound))
            throw new ArgumentException($"bound must be finite and >= 0, got {bound}.", nameof(bound));
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)((2.0 * CounterRng.UniformDouble(seed, stream, (ulong)i) - 1.0) * bound);
    }

    /// <summary>
    /// PyTorch's <c>kaiming_uniform_(w, a)</c> with fan-in mode and leaky-ReLU gain:
    /// bound = sqrt(2 / (1 + a²)) * sqrt(3 / fanIn). The default a = √5 is what <c>nn.Linear</c>
    /// and PEFT's LoRA A matrix use, giving bound = 1/sqrt(fanIn).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="fanIn"/> is not positive.</exception>
    public static void KaimingUniform(Span<float> destination, int fanIn, ulong seed, ulong stream, double a = 2.23606797749979)
    {
        if (fanIn <= 0) throw new ArgumentException($"fanIn must be positive, got {fanIn}.", nameof(fanIn));
        double gain = Math.Sqrt(2.0 / (1.0 + a * a));
        Uniform(destination, (float)(gain * Math.Sqrt(3.0 / fanIn)), seed, stream);
    }

    /// <summary>A stable 64-bit stream id for a tensor name (FNV-1a), so init is keyed by name, not order.</summary>
    public static ulong StreamOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in name) { h ^= c; h *= 0x100000001B3UL; }
        return h;
    }
}
