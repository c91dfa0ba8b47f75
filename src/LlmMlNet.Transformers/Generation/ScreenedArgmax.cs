// Exact greedy choice over a large vocabulary at about half the memory traffic: the LM head (the tied word
// embedding, V × C floats, read whole for every token) is first applied from a bfloat16 copy, each approximate
// logit carries a proven error bound (bfloat16 rounding 2^-8 relative, float accumulation, Cauchy-Schwarz with
// the row norms), and only tokens whose bound interval reaches the best lower bound are recomputed in float32.
// The true float32 argmax is always among them, so the chosen token is the one a full float32 head gives.
// Not used for sampling or penalties (they need every exact logit). The copy is rebuilt per generation call.
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlmMlNet.Tensors;

namespace LlmMlNet.Transformers.Generation;

/// <summary>Argmax of h·Eᵀ per row, screened with a bfloat16 copy of E.</summary>
internal sealed unsafe class ScreenedArgmax
{
    private ushort[] _half = [];
    private float[] _norms = [];
    private float[] _approximate = [];
    private int _vocab, _channels;

    /// <summary>Vocabulary × width at which screening pays (below it the float32 head is cheap and the copy is not made).</summary>
    internal static long Threshold { get; set; } = 4_000_000;

    /// <summary>Rebuilds the bfloat16 copy and the row norms from <paramref name="table"/> [vocab, channels].</summary>
    public void Refresh(ReadOnlySpan<float> table, int vocab, int channels)
    {
        (_vocab, _channels) = (vocab, channels);
        if (_half.Length != vocab * channels) _half = new ushort[vocab * channels];
        if (_norms.Length != vocab) _norms = new float[vocab];
        fixed (float* t = table)
        fixed (ushort* half = _half)
        fixed (float* norms = _norms)
        {
            ComputePool.For((vocab + 255) / 256, new RefreshBody { Table = t, Half = half, Norms = norms, Vocab = vocab, Channels = channels });
        }
    }

    private struct RefreshBody : IComputeBody
    {
        public float* Table, Norms;
        public ushort* Half;
        public int Vocab, Channels;

        public readonly void Execute(int index)
        {
            int first = index * 256, end = Math.Min(Vocab, first + 256);
            for (int j = first; j < end; j++)
            {
                var row = new ReadOnlySpan<float>(Table + (nint)j * Channels, Channels);
                ushort* half = Half + (nint)j * Channels;
                for (int i = 0; i < Channels; i++)
                {
                    // Round to nearest even: add half an ulp of the 16 dropped bits (plus the kept lowest bit for ties).
                    uint bits = BitConverter.SingleToUInt32Bits(row[i]);
                    half[i] = (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
                }
                Norms[j] = TensorPrimitives.Norm(row);
            }
        }
    }

    /// <summary>For each of <paramref name="rows"/> rows of <paramref name="hidden"/> [rows, C]: the first index of the maximum of h·Eᵀ.</summary>
    public void Argmax(ReadOnlySpan<float> hidden, ReadOnlySpan<float> table, int rows, Span<int> result)
    {
        int v = _vocab, c = _channels;
        if (_approximate.Length < rows * v) _approximate = new float[rows * v];
        fixed (float* h = hidden, a = _approximate)
        fixed (ushort* w = _half)
        {
            int perItem = 1024;
            ComputePool.For((v + perItem - 1) / perItem, new Body { H = h, W = w, A = a, Rows = rows, Vocab = v, Channels = c, PerItem = perItem });
        }
        // |approximate - exact float32| ≤ (2^-8 (bfloat16) + 2(C + 2)·2^-24 (two float sums)) · Σ|h||w| · (1 + 2^-8), Σ|h||w| ≤ ‖h‖‖w‖;
        // 5 % on top covers the rounding of the norms themselves.
        float factor = (float)((Math.Pow(2, -8) + 2.0 * (c + 2) * Math.Pow(2, -24)) * (1 + Math.Pow(2, -8)) * 1.05);
        for (var r = 0; r < rows; r++)
        {
            var approximate = _approximate.AsSpan(r * v, v);
            var h = hidden.Slice(r * c, c);
            float scale = factor * TensorPrimitives.Norm(h);
            float floor = float.NegativeInfinity;
            for (var j = 0; j < v; j++) floor = MathF.Max(floor, approximate[j] - scale * _norms[j]);
            int best = -1;
            float bestValue = float.NegativeInfinity;
            for (var j = 0; j < v; j++)
            {
                if (approximate[j] + scale * _norms[j] < floor) continue;
                float exact = TensorPrimitives.Dot(h, table.Slice(j * c, c));
                if (best < 0 || exact > bestValue) (best, bestValue) = (j, exact);
            }
            result[r] = best;
        }
    }

    private struct Body : IComputeBody
    {
        public float* H, A;
        public ushort* W;
        public int Rows, Vocab, Channels, PerItem;

        public readonly void Execute(int index)
        {
            int first = index * PerItem, end = Math.Min(Vocab, first + PerItem), c = Channels;
            for (int j = first; j < end; j++)
            {
                ushort* w = W + (nint)j * c;
                for (int r = 0; r < Rows; r++) A[(nint)r * Vocab + j] = Dot(H + (nint)r * c, w, c);
            }
        }

        // bfloat16 widens to float32 by a 16-bit shift: zero-extend 8 values to 32 bits, shift them into the high half.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static float Dot(float* h, ushort* w, int n)
        {
            int k = 0;
            float sum = 0f;
            if (Avx2.IsSupported && Fma.IsSupported)
            {
                Vector256<float> acc0 = default, acc1 = default;
                for (; k + 16 <= n; k += 16)
                {
                    var lo = Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(Sse2.LoadVector128(w + k)), 16).AsSingle();
                    var hi = Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(Sse2.LoadVector128(w + k + 8)), 16).AsSingle();
                    acc0 = Fma.MultiplyAdd(lo, Avx.LoadVector256(h + k), acc0);
                    acc1 = Fma.MultiplyAdd(hi, Avx.LoadVector256(h + k + 8), acc1);
                }
                sum = Vector256.Sum(acc0 + acc1);
            }
            for (; k < n; k++) sum += h[k] * BitConverter.UInt32BitsToSingle((uint)w[k] << 16);
            return sum;
        }
    }
}
