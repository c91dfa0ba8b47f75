// The transposing half of SGEMM packing: R rows that are each contiguous along k become k-major panels
// (dst[p*R + r]), 8x8 and 4x8 blocks at a time with AVX shuffles. Used for op(A) stored [m, k] and op(B)
// stored [n, k] (y = x·Wᵀ). Deliberately only this layout change; non-transposing copies are GemmPacking's.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmMlNet.Tensors;

/// <summary>Interleaves row-contiguous operand rows into a k-major micro-panel.</summary>
internal static unsafe class GemmTranspose
{
    /// <summary>
    /// dst[p*width + r] = src[r*ld + p] for r &lt; rows and p &lt; kc; rows in [rows, width) become zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Panel(float* src, nint ld, int rows, int kc, int width, float* dst)
    {
        int p = 0;
        if (Avx.IsSupported)
        {
            for (; p + 8 <= kc; p += 8)
            {
                int r = 0;
                for (; r + 8 <= rows; r += 8) Block8x8(src + r * ld + p, ld, dst + (nint)p * width + r, width);
                for (; r + 4 <= rows; r += 4) Block4x8(src + r * ld + p, ld, dst + (nint)p * width + r, width);
                for (; r < rows; r++)
                {
                    float* s = src + r * ld + p;
                    float* d = dst + (nint)p * width + r;
                    for (int q = 0; q < 8; q++) d[q * width] = s[q];
                }
                for (; r < width; r++)
                    for (int q = 0; q < 8; q++) dst[(nint)(p + q) * width + r] = 0f;
            }
        }
        for (; p < kc; p++)
        {
            float* d = dst + (nint)p * width;
            int r = 0;
            for (; r < rows; r++) d[r] = src[r * ld + p];
            for (; r < width; r++) d[r] = 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8x8(float* s, nint ld, float* d, int width)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ld);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * ld), r3 = Avx.LoadVector256(s + 3 * ld);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * ld), r5 = Avx.LoadVector256(s + 5 * ld);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * ld), r7 = Avx.LoadVector256(s + 7 * ld);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + width, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * width, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * width, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * width, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * width, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * width, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * width, Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x8(float* s, nint ld, float* d, int width)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ld);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * ld), r3 = Avx.LoadVector256(s + 3 * ld);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Sse.Store(d, u0.GetLower());
        Sse.Store(d + width, u1.GetLower());
        Sse.Store(d + 2 * width, u2.GetLower());
        Sse.Store(d + 3 * width, u3.GetLower());
        Sse.Store(d + 4 * width, u0.GetUpper());
        Sse.Store(d + 5 * width, u1.GetUpper());
        Sse.Store(d + 6 * width, u2.GetUpper());
        Sse.Store(d + 7 * width, u3.GetUpper());
    }
}
