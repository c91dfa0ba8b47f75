// y = x·Wᵀ + b for a handful of rows (a decode step: one row per sequence), W stored [out, in] as
// nn.Linear keeps it. Each output is a dot product of a contiguous W row with each x row, so W is read
// once per call, straight from memory, with no packing (a GEMM would pack all of W for one row of
// output). Parallel over fixed chunks of outputs, so results do not depend on the thread count.
// Not a general GEMM: past MaxRows rows the blocked Gemm is faster.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Affine map of a few rows against a row-major [out, in] weight.</summary>
public static unsafe class FewRowsLinear
{
    /// <summary>Most rows a call takes; callers with more rows use the blocked <c>Gemm.Sgemm</c>.</summary>
    public const int MaxRows = 16;

    /// <summary>output[rows, out] = input[rows, in] · weightᵀ + bias (bias empty: none).</summary>
    /// <exception cref="ArgumentException">rows is outside [0, <see cref="MaxRows"/>] or a buffer is too short; thrown before any work.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int rows, int inFeatures, int outFeatures)
    {
        if (rows < 0 || rows > MaxRows) throw new ArgumentException($"rows = {rows} is outside [0, {MaxRows}]", nameof(rows));
        KernelArguments.NonNegative(inFeatures, nameof(inFeatures));
        KernelArguments.NonNegative(outFeatures, nameof(outFeatures));
        KernelArguments.AtLeast(input.Length, rows * inFeatures, nameof(input));
        KernelArguments.AtLeast(output.Length, rows * outFeatures, nameof(output));
        KernelArguments.AtLeast(weight.Length, KernelArguments.Product(outFeatures, inFeatures, nameof(outFeatures), nameof(inFeatures)), nameof(weight));
        if (!bias.IsEmpty) KernelArguments.AtLeast(bias.Length, outFeatures, nameof(bias));
        if (rows == 0 || outFeatures == 0) return;
        // About KernelParallel.Elements weights per item (a multiple of 4 outputs): tens of microseconds.
        int perItem = Math.Max(4, KernelParallel.Elements / Math.Max(inFeatures, 1) / 4 * 4);
        fixed (float* y = output, x = input, w = weight, b = bias)
        {
            ComputePool.For(KernelParallel.Chunks(outFeatures, perItem), new Body
            {
                Y = y, X = x, W = w, B = bias.IsEmpty ? null : b, Rows = rows, In = inFeatures, Out = outFeatures, PerItem = perItem,
            });
        }
    }

    private struct Body : IComputeBody
    {
        public float* Y, X, W, B;
        public int Rows, In, Out, PerItem;

        public readonly void Execute(int index)
        {
            var (first, count) = KernelParallel.Range(index, PerItem, Out);
            int end = first + count, o = first;
            for (; o + 4 <= end; o += 4)
                for (int r = 0; r < Rows; r += 2)
                    if (r + 1 < Rows) Block4x2(o, r);
                    else Block4x1(o, r);
            for (; o < end; o++)
                for (int r = 0; r < Rows; r++)
                    Y[(nint)r * Out + o] = Dot(W + (nint)o * In, X + (nint)r * In, In) + (B == null ? 0f : B[o]);
        }

        // Four W rows against two x rows: eight independent accumulators keep both FMA ports busy.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void Block4x2(int o, int r)
        {
            float* w0 = W + (nint)o * In, w1 = w0 + In, w2 = w1 + In, w3 = w2 + In;
            float* x0 = X + (nint)r * In, x1 = x0 + In;
            int k = 0;
            float s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
            if (Fma.IsSupported)
            {
                Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
                if (Avx512F.IsSupported && In >= 16)
                {
                    // 16 floats per FMA where the CPU has them (batched steps are bound by FMAs, not by memory).
                    Vector512<float> b00 = default, b01 = default, b10 = default, b11 = default, b20 = default, b21 = default, b30 = default, b31 = default;
                    for (; k + 16 <= In; k += 16)
                    {
                        var v0 = Avx512F.LoadVector512(x0 + k);
                        var v1 = Avx512F.LoadVector512(x1 + k);
                        var u = Avx512F.LoadVector512(w0 + k); b00 = Avx512F.FusedMultiplyAdd(u, v0, b00); b01 = Avx512F.FusedMultiplyAdd(u, v1, b01);
                        u = Avx512F.LoadVector512(w1 + k); b10 = Avx512F.FusedMultiplyAdd(u, v0, b10); b11 = Avx512F.FusedMultiplyAdd(u, v1, b11);
                        u = Avx512F.LoadVector512(w2 + k); b20 = Avx512F.FusedMultiplyAdd(u, v0, b20); b21 = Avx512F.FusedMultiplyAdd(u, v1, b21);
                        u = Avx512F.LoadVector512(w3 + k); b30 = Avx512F.FusedMultiplyAdd(u, v0, b30); b31 = Avx512F.FusedMultiplyAdd(u, v1, b31);
                    }
                    (a00, a01, a10, a11) = (Fold(b00), Fold(b01), Fold(b10), Fold(b11));
                    (a20, a21, a30, a31) = (Fold(b20), Fold(b21), Fold(b30), Fold(b31));
                }
                for (; k + 8 <= In; k += 8)
                {
                    var v0 = Avx.LoadVector256(x0 + k);
                    var v1 = Avx.LoadVector256(x1 + k);
                    var u = Avx.LoadVector256(w0 + k); a00 = Fma.MultiplyAdd(u, v0, a00); a01 = Fma.MultiplyAdd(u, v1, a01);
                    u = Avx.LoadVector256(w1 + k); a10 = Fma.MultiplyAdd(u, v0, a10); a11 = Fma.MultiplyAdd(u, v1, a11);
                    u = Avx.LoadVector256(w2 + k); a20 = Fma.MultiplyAdd(u, v0, a20); a21 = Fma.MultiplyAdd(u, v1, a21);
                    u = Avx.LoadVector256(w3 + k); a30 = Fma.MultiplyAdd(u, v0, a30); a31 = Fma.MultiplyAdd(u, v1, a31);
                }
                s00 = Vector256.Sum(a00); s01 = Vector256.Sum(a01); s10 = Vector256.Sum(a10); s11 = Vector256.Sum(a11);
                s20 = Vector256.Sum(a20); s21 = Vector256.Sum(a21); s30 = Vector256.Sum(a30); s31 = Vector256.Sum(a31);
            }
            for (; k < In; k++)
            {
                float v0 = x0[k], v1 = x1[k];
                s00 += w0[k] * v0; s01 += w0[k] * v1; s10 += w1[k] * v0; s11 += w1[k] * v1;
                s20 += w2[k] * v0; s21 += w2[k] * v1; s30 += w3[k] * v0; s31 += w3[k] * v1;
            }
            float* y0 = Y + (nint)r * Out + o, y1 = y0 + Out;
            float b0 = 0, b1 = 0, b2 = 0, b3 = 0;
            if (B != null) (b0, b1, b2, b3) = (B[o], B[o + 1], B[o + 2], B[o + 3]);
            y0[0] = s00 + b0; y0[1] = s10 + b1; y0[2] = s20 + b2; y0[3] = s30 + b3;
            y1[0] = s01 + b0; y1[1] = s11 + b1; y1[2] = s21 + b2; y1[3] = s31 + b3;
        }

        // Four W rows against one x row, each dot split over two accumulators (eight chains in flight).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void Block4x1(int o, int r)
        {
            float* w0 = W + (nint)o * In, w1 = w0 + In, w2 = w1 + In, w3 = w2 + In;
            float* x0 = X + (nint)r * In;
            int k = 0;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            if (Fma.IsSupported)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, c0 = default, c1 = default, c2 = default, c3 = default;
                if (Avx512F.IsSupported && In >= 16)
                {
                    Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
                    for (; k + 16 <= In; k += 16)
                    {
                        var v = Avx512F.LoadVector512(x0 + k);
                        b0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(w0 + k), v, b0);
                        b1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(w1 + k), v, b1);
                        b2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(w2 + k), v, b2);
                        b3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(w3 + k), v, b3);
                    }
                    (a0, a1, a2, a3) = (Fold(b0), Fold(b1), Fold(b2), Fold(b3));
                }
                for (; k + 16 <= In; k += 16)
                {
                    var v = Avx.LoadVector256(x0 + k);
                    var t = Avx.LoadVector256(x0 + k + 8);
                    a0 = Fma.MultiplyAdd(Avx.LoadVector256(w0 + k), v, a0); c0 = Fma.MultiplyAdd(Avx.LoadVector256(w0 + k + 8), t, c0);
                    a1 = Fma.MultiplyAdd(Avx.LoadVector256(w1 + k), v, a1); c1 = Fma.MultiplyAdd(Avx.LoadVector256(w1 + k + 8), t, c1);
                    a2 = Fma.MultiplyAdd(Avx.LoadVector256(w2 + k), v, a2); c2 = Fma.MultiplyAdd(Avx.LoadVector256(w2 + k + 8), t, c2);
                    a3 = Fma.MultiplyAdd(Avx.LoadVector256(w3 + k), v, a3); c3 = Fma.MultiplyAdd(Avx.LoadVector256(w3 + k + 8), t, c3);
                }
                for (; k + 8 <= In; k += 8)
                {
                    var v = Avx.LoadVector256(x0 + k);
                    a0 = Fma.MultiplyAdd(Avx.LoadVector256(w0 + k), v, a0); a1 = Fma.MultiplyAdd(Avx.LoadVector256(w1 + k), v, a1);
                    a2 = Fma.MultiplyAdd(Avx.LoadVector256(w2 + k), v, a2); a3 = Fma.MultiplyAdd(Avx.LoadVector256(w3 + k), v, a3);
                }
                s0 = Vector256.Sum(a0 + c0); s1 = Vector256.Sum(a1 + c1); s2 = Vector256.Sum(a2 + c2); s3 = Vector256.Sum(a3 + c3);
            }
            for (; k < In; k++)
            {
                float v = x0[k];
                s0 += w0[k] * v; s1 += w1[k] * v; s2 += w2[k] * v; s3 += w3[k] * v;
            }
            float* y = Y + (nint)r * Out + o;
            if (B != null) { s0 += B[o]; s1 += B[o + 1]; s2 += B[o + 2]; s3 += B[o + 3]; }
            y[0] = s0; y[1] = s1; y[2] = s2; y[3] = s3;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Fold(Vector512<float> v) => v.GetLower() + v.GetUpper();

        private static float Dot(float* a, float* b, int n)
        {
            int w = Vector<float>.Count, k = 0;
            var acc = Vector<float>.Zero;
            for (; k + w <= n; k += w) acc += Unsafe.ReadUnaligned<Vector<float>>(a + k) * Unsafe.ReadUnaligned<Vector<float>>(b + k);
            float s = Vector.Sum(acc);
            for (; k < n; k++) s += a[k] * b[k];
            return s;
        }
    }
}
