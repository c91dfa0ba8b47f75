// The AVX-512 SGEMM micro-kernel: a 12x32 tile of C held in 24 zmm accumulators.
// Deliberately only the inner product and the C update; packing, blocking and edges are the driver's.
// Each k step loads two 16-float B vectors and broadcasts 12 A values: 24 FMAs for 14 loads.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmMlNet.Tensors;

/// <summary>12x32 micro-kernel on AVX-512F (two zmm columns, twelve rows).</summary>
internal unsafe struct GemmKernelAvx512 : IGemmMicroKernel
{
    public static int MR => 12;
    public static int NR => 32;
    /// <summary>192 x 256 floats = 192 KB of A, inside a 1 MB L2 beside the streamed B block.</summary>
    public static int MC => 192;

    public static bool IsSupported => Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        // C is touched only after the K loop; asking for its lines now hides the miss behind ~1500 cycles of FMAs.
        for (int r = 0; r < 12; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + 16);
        }
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Avx512F.LoadVector512(b);
            Vector512<float> b1 = Avx512F.LoadVector512(b + 16);
            Vector512<float> av = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(av, b0, c80); c81 = Avx512F.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(av, b0, c90); c91 = Avx512F.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a[10]);
            ca0 = Avx512F.FusedMultiplyAdd(av, b0, ca0); ca1 = Avx512F.FusedMultiplyAdd(av, b1, ca1);
            av = Vector512.Create(a[11]);
            cb0 = Avx512F.FusedMultiplyAdd(av, b0, cb0); cb1 = Avx512F.FusedMultiplyAdd(av, b1, cb1);
            a += 12;
            b += bStride;
        }
        var al = Vector512.Create(alpha);
        var be = Vector512.Create(beta);
        Update(c, c00, c01, al, be, beta); c += ldc;
        Update(c, c10, c11, al, be, beta); c += ldc;
        Update(c, c20, c21, al, be, beta); c += ldc;
        Update(c, c30, c31, al, be, beta); c += ldc;
        Update(c, c40, c41, al, be, beta); c += ldc;
        Update(c, c50, c51, al, be, beta); c += ldc;
        Update(c, c60, c61, al, be, beta); c += ldc;
        Update(c, c70, c71, al, be, beta); c += ldc;
        Update(c, c80, c81, al, be, beta); c += ldc;
        Update(c, c90, c91, al, be, beta); c += ldc;
        Update(c, ca0, ca1, al, be, beta); c += ldc;
        Update(c, cb0, cb1, al, be, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> al, Vector512<float> be, float beta)
    {
        if (beta == 0f)
        {
            Avx512F.Store(c, Avx512F.Multiply(x0, al));
            Avx512F.Store(c + 16, Avx512F.Multiply(x1, al));
        }
        else
        {
            Avx512F.Store(c, Avx512F.FusedMultiplyAdd(x0, al, Avx512F.Multiply(be, Avx512F.LoadVector512(c))));
            Avx512F.Store(c + 16, Avx512F.FusedMultiplyAdd(x1, al, Avx512F.Multiply(be, Avx512F.LoadVector512(c + 16))));
        }
    }
}
