// The portable SGEMM micro-kernel: a 4 x (2 * Vector<float>.Count) tile with System.Numerics.Vector,
// chosen at run time when neither AVX-512 nor AVX2/FMA exists (e.g. Arm64, old x64).
// Deliberately plain multiply-then-add (no FMA requirement) so it runs on every platform .NET runs on.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LlmMlNet.Tensors;

/// <summary>4 x (2·Vector&lt;float&gt;.Count) micro-kernel on <see cref="Vector{T}"/>.</summary>
internal unsafe struct GemmKernelPortable : IGemmMicroKernel
{
    public static int MR => 4;
    public static int NR => 2 * Vector<float>.Count;
    /// <summary>64 rows (16 panels): a modest L2 share, as this kernel runs on unknown hardware.</summary>
    public static int MC => 64;

    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        int w = Vector<float>.Count;
        Vector<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector<float> b0 = Unsafe.ReadUnaligned<Vector<float>>(b);
            Vector<float> b1 = Unsafe.ReadUnaligned<Vector<float>>(b + w);
            var av = new Vector<float>(a[0]);
            c00 += av * b0; c01 += av * b1;
            av = new Vector<float>(a[1]);
            c10 += av * b0; c11 += av * b1;
            av = new Vector<float>(a[2]);
            c20 += av * b0; c21 += av * b1;
            av = new Vector<float>(a[3]);
            c30 += av * b0; c31 += av * b1;
            a += 4;
            b += bStride;
        }
        Update(c, w, c00, c01, alpha, beta); c += ldc;
        Update(c, w, c10, c11, alpha, beta); c += ldc;
        Update(c, w, c20, c21, alpha, beta); c += ldc;
        Update(c, w, c30, c31, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, int w, Vector<float> x0, Vector<float> x1, float alpha, float beta)
    {
        Vector<float> y0 = x0 * alpha, y1 = x1 * alpha;
        if (beta != 0f)
        {
            y0 += Unsafe.ReadUnaligned<Vector<float>>(c) * beta;
            y1 += Unsafe.ReadUnaligned<Vector<float>>(c + w) * beta;
        }
        Unsafe.WriteUnaligned(c, y0);
        Unsafe.WriteUnaligned(c + w, y1);
    }
}
