// The AVX2/FMA SGEMM micro-kernel: a 6x16 tile of C held in 12 ymm accumulators.
// Deliberately only the inner product and the C update; packing, blocking and edges are the driver's.
// Each k step loads two 8-float B vectors and broadcasts 6 A values: 12 FMAs, 15 of 16 ymm registers live.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmMlNet.Tensors;

/// <summary>6x16 micro-kernel on AVX2 + FMA3.</summary>
internal unsafe struct GemmKernelAvx2 : IGemmMicroKernel
{
    public static int MR => 6;
    public static int NR => 16;
    /// <summary>144 x 256 floats = 144 KB of A: the Zen block of BLIS's 6x16 kernel (mc 144, kc 256), a third of a 512 KB L2.</summary>
    public static int MC => 144;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        // C is touched only after the K loop; asking for its lines now hides the miss behind the FMAs.
        for (int r = 0; r < 6; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + 8);
        }
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        // Four k steps per trip: the loop's own add/compare/branch then costs 5 of ~85 instructions instead of 5 of
        // 25, which on 4-6-wide front ends is the difference between feeding both FMA pipes and not. Each
        // accumulator still takes its FMAs in k order, so results are bit-identical to a one-step loop.
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step(a + 6, b + bStride, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step(a + 12, b + 2 * bStride, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step(a + 18, b + 3 * bStride, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            a += 24;
            b += 4 * bStride;
        }
        for (; p < kc; p++)
        {
            Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            a += 6;
            b += bStride;
        }
        var al = Vector256.Create(alpha);
        var be = Vector256.Create(beta);
        Update(c, c00, c01, al, be, beta); c += ldc;
        Update(c, c10, c11, al, be, beta); c += ldc;
        Update(c, c20, c21, al, be, beta); c += ldc;
        Update(c, c30, c31, al, be, beta); c += ldc;
        Update(c, c40, c41, al, be, beta); c += ldc;
        Update(c, c50, c51, al, be, beta);
    }

    // One k step: two 8-float B vectors times six broadcast A values into the 12 accumulators.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(float* a, float* b, ref Vector256<float> c00, ref Vector256<float> c01, ref Vector256<float> c10,
        ref Vector256<float> c11, ref Vector256<float> c20, ref Vector256<float> c21, ref Vector256<float> c30, ref Vector256<float> c31,
        ref Vector256<float> c40, ref Vector256<float> c41, ref Vector256<float> c50, ref Vector256<float> c51)
    {
        Vector256<float> b0 = Avx.LoadVector256(b);
        Vector256<float> b1 = Avx.LoadVector256(b + 8);
        Vector256<float> av = Vector256.Create(a[0]);
        c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
        av = Vector256.Create(a[1]);
        c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
        av = Vector256.Create(a[2]);
        c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
        av = Vector256.Create(a[3]);
        c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
        av = Vector256.Create(a[4]);
        c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
        av = Vector256.Create(a[5]);
        c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> al, Vector256<float> be, float beta)
    {
        if (beta == 0f)
        {
            Avx.Store(c, Avx.Multiply(x0, al));
            Avx.Store(c + 8, Avx.Multiply(x1, al));
        }
        else
        {
            Avx.Store(c, Fma.MultiplyAdd(x0, al, Avx.Multiply(be, Avx.LoadVector256(c))));
            Avx.Store(c + 8, Fma.MultiplyAdd(x1, al, Avx.Multiply(be, Avx.LoadVector256(c + 8))));
        }
    }
}
