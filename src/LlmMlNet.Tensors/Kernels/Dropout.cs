// Inverted dropout with a counter-based mask: element i is kept when hash(seed, step, i) ≥ p·2³²,
// so the mask depends on nothing but (seed, step, index) and backward recomputes it instead of
// storing it. Kept values are scaled by 1/(1-p). Not a mode switch: callers skip it in eval.
using System.Numerics;
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Seeded, counter-based inverted dropout.</summary>
public static class Dropout
{
    /// <summary>output[i] = keep(i) ? input[i] / (1 - p) : 0. output may alias input.</summary>
    /// <param name="output">Destination, same length as input.</param>
    /// <param name="input">Source.</param>
    /// <param name="probability">Drop probability p in [0, 1).</param>
    /// <param name="seed">Seed of this dropout site (different sites need different seeds).</param>
    /// <param name="step">Training step (or any per-call counter); a new mask per value.</param>
    /// <param name="firstIndex">Global index of element 0, so a call split into chunks (e.g. across threads) draws the same mask as one whole call. Default 0.</param>
    /// <exception cref="ArgumentException">Lengths differ, p is outside [0, 1), or firstIndex is negative.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input, float probability, ulong seed, long step, int firstIndex = 0)
    {
        using var profile = KernelProfile.Time(KernelCategory.Elementwise);
        KernelArguments.SameLength(output.Length, input.Length, nameof(output), nameof(input));
        ApplyParallel(output, input, probability, seed, step, firstIndex, accumulate: false);
    }

    /// <summary>Differentiates output = keep·input/(1-p): inputGradient[i] += keep(i)·outputGradient[i]/(1-p).</summary>
    /// <exception cref="ArgumentException">Lengths differ, p is outside [0, 1), or firstIndex is negative.</exception>
    public static void Backward(Span<float> inputGradient, ReadOnlySpan<float> outputGradient, float probability, ulong seed, long step, int firstIndex = 0)
    {
        using var profile = KernelProfile.Time(KernelCategory.Elementwise);
        KernelArguments.SameLength(inputGradient.Length, outputGradient.Length, nameof(inputGradient), nameof(outputGradient));
        ApplyParallel(inputGradient, outputGradient, probability, seed, step, firstIndex, accumulate: true);
    }

    /// <summary>True when element <paramref name="index"/> is kept (the mask both passes use).</summary>
    public static bool Keeps(float probability, ulong seed, long step, int index)
    {
        var (lo, hi) = CounterRng.DropoutKey(seed, step);
        return CounterRng.DropoutBits(lo, hi, (uint)index) >= Threshold(probability);
    }

    /// <summary>Naive twin of <see cref="Forward"/>, one element at a time through <see cref="Keeps"/>.</summary>
    public static void ForwardNaive(Span<float> output, ReadOnlySpan<float> input, float probability, ulong seed, long step)
    {
        double scale = 1.0 / (1.0 - probability);
        for (int i = 0; i < input.Length; i++)
            output[i] = Keeps(probability, seed, step, i) ? (float)(input[i] * scale) : 0f;
    }

    private static uint Threshold(float probability)
        => (uint)Math.Min(Math.Round(probability * 4294967296.0), uint.MaxValue);

    // The mask is keyed by global element index, so chunks drawn on any thread give the whole call's mask.
    private static void ApplyParallel(Span<float> destination, ReadOnlySpan<float> source, float probability, ulong seed, long step, int firstIndex, bool accumulate)
    {
        KernelArguments.NonNegative(firstIndex, nameof(firstIndex));
        if (!(probability >= 0f && probability < 1f))
            throw new ArgumentException($"probability must be in [0, 1), got {probability}.", nameof(probability));
        ComputePool.For(KernelParallel.Chunks(source.Length, KernelParallel.Elements), new ApplyBody
        {
            Destination = destination, Source = source, Probability = probability, Seed = seed, Step = step, FirstIndex = firstIndex, Accumulate = accumulate,
        });
    }

    private ref struct ApplyBody : IComputeBody
    {
        public Span<float> Destination;
        public ReadOnlySpan<float> Source;
        public float Probability;
        public ulong Seed;
        public long Step;
        public int FirstIndex;
        public bool Accumulate;

        public readonly void Execute(int index)
        {
            var (start, length) = KernelParallel.Range(index, KernelParallel.Elements, Source.Length);
            Apply(Destination.Slice(start, length), Source.Slice(start, length), Probability, Seed, Step, FirstIndex + start, Accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply(Span<float> destination, ReadOnlySpan<float> source, float probability, ulong seed, long step, int firstIndex, bool accumulate)
    {
        KernelArguments.NonNegative(firstIndex, nameof(firstIndex));
        if (!(probability >= 0f && probability < 1f))
            throw new ArgumentException($"probability must be in [0, 1), got {probability}.", nameof(probability));
        float scale = (float)(1.0 / (1.0 - probability));
        uint threshold = Threshold(probability);
        var (lo, hi) = CounterRng.DropoutKey(seed, step);
        int i = 0, w = Vector<uint>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            Span<uint> lane = stackalloc uint[w];
            for (int j = 0; j < w; j++) lane[j] = (uint)j;
            var laneV = new Vector<uint>(lane);
            var loV = new Vector<uint>(lo);
            var hiV = new Vector<uint>(hi);
            var thV = new Vector<uint>(threshold);
            var scaleV = new Vector<float>(scale);
            for (; i <= source.Length - w; i += w)
            {
                var bits = Mix32(Mix32(new Vector<uint>((uint)(firstIndex + i)) + laneV + loV) ^ hiV);
                var keep = Vector.AsVectorInt32(Vector.GreaterThanOrEqual(bits, thV));
                var kept = Vector.ConditionalSelect(keep, new Vector<float>(source[i..]) * scaleV, Vector<float>.Zero);
                if (accumulate) kept += new Vector<float>(destination[i..]);
                kept.CopyTo(destination[i..]);
            }
        }
        for (; i < source.Length; i++)
        {
            float v = CounterRng.DropoutBits(lo, hi, (uint)(firstIndex + i)) >= threshold ? source[i] * scale : 0f;
            destination[i] = accumulate ? destination[i] + v : v;
        }
    }

    private static Vector<uint> Mix32(Vector<uint> x)
    {
        x ^= Vector.ShiftRightLogical(x, 16);
        x *= new Vector<uint>(0x7FEB352DU);
        x ^= Vector.ShiftRightLogical(x, 15);
        x *= new Vector<uint>(0x846CA68BU);
        x ^= Vector.ShiftRightLogical(x, 16);
        return x;
    }
}
