// Public SGEMM entry points. Row-major, BLAS semantics. This file validates arguments, pins the spans
// and picks the micro-kernel family and thread count; the blocked driver and kernels live beside it.
// Deliberately no heuristics here beyond batch-versus-matrix parallelism: blocking is the driver's job.
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors;

/// <summary>Single-precision matrix multiply, row-major: C = alpha * op(A) * op(B) + beta * C.</summary>
/// <remarks>
/// Packed, cache-blocked and register-blocked (AVX-512, else AVX2/FMA, else System.Numerics.Vector, chosen at
/// run time), parallel over blocks of C with up to <see cref="EngineSettings.Threads"/> threads. The result
/// does not depend on the thread count (K is split, if at all, by shape alone: deep-K weight gradients run as two
/// fixed halves), and a call allocates nothing after the calling thread's first GEMM of that size.
/// <para>A linear layer with W stored [out, in] (x: [tokens, in], y: [tokens, out]):</para>
/// <code>
/// Sgemm(false, true,  tokens, outF, inF,    1f, x,  inF,  W, inF,  0f, y,  outF); // y  = x · Wᵀ
/// Sgemm(false, false, tokens, inF,  outF,   1f, dY, outF, W, inF,  0f, dX, inF);  // dX = dY · W
/// Sgemm(true,  false, outF,   inF,  tokens, 1f, dY, outF, x, inF,  1f, dW, inF);  // dW += dYᵀ · x
/// </code>
/// </remarks>
public static unsafe class Gemm
{
    /// <summary>
    /// The micro-kernel every product on this machine runs, e.g. "AVX2/FMA 6x16" or "AVX-512 12x32": the best
    /// the CPU and the runtime allow (DOTNET_EnableAVX512=0 restricts .NET 10 to AVX2), fixed at start-up.
    /// </summary>
    public static string KernelName => GemmKernels.Describe(GemmKernels.Best);

    /// <summary>C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C[m,n].</summary>
    /// <param name="transposeA">When true A is stored as [k, m] (op(A) = Aᵀ).</param>
    /// <param name="transposeB">When true B is stored as [n, k] (op(B) = Bᵀ).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A's storage.</param>
    /// <param name="lda">Row stride of A's storage.</param>
    /// <param name="b">B's storage.</param>
    /// <param name="ldb">Row stride of B's storage.</param>
    /// <param name="beta">Scale of C's prior content; 0 means C is overwritten (NaNs in C ignored).</param>
    /// <param name="c">C's storage.</param>
    /// <param name="ldc">Row stride of C's storage.</param>
    /// <exception cref="ArgumentException">A dimension, stride or buffer length is inconsistent; thrown before any work.</exception>
    public static void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Sgemm(GemmKernels.Best, EngineSettings.Threads, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary><see cref="Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/> on a chosen kernel family and thread count (tests force each path).</summary>
    internal static void Sgemm(GemmKernelKind kernel, int threads, bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        using var profile = KernelProfile.Time(KernelCategory.Gemm);
        GemmArguments.Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (float* pa = a, pb = b, pc = c)
            Multiply(kernel, transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, threads);
    }

    private static void Multiply(GemmKernelKind kernel, bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        switch (kernel)
        {
            case GemmKernelKind.Avx512:
                GemmDriver<GemmKernelAvx512>.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
                break;
            case GemmKernelKind.Avx2:
                GemmDriver<GemmKernelAvx2>.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
                break;
            default:
                GemmDriver<GemmKernelPortable>.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
                break;
        }
    }

    /// <summary>
    /// For each batch index i in [0, batchCount): C_i = alpha * op(A_i) * op(B_i) + beta * C_i, where
    /// X_i starts at offset i * strideX in X's storage (attention's per-head products). Large batches are
    /// spread over threads one entry per work item; the C_i must not overlap.
    /// </summary>
    /// <param name="transposeA">When true each A_i is stored as [k, m].</param>
    /// <param name="transposeB">When true each B_i is stored as [n, k].</param>
    /// <param name="m">Rows of op(A_i) and C_i.</param>
    /// <param name="n">Columns of op(B_i) and C_i.</param>
    /// <param name="k">Columns of op(A_i), rows of op(B_i).</param>
    /// <param name="alpha">Scale of the products.</param>
    /// <param name="a">Storage of every A_i.</param>
    /// <param name="lda">Row stride inside each A_i.</param>
    /// <param name="strideA">Offset between consecutive A_i (0 reuses one A).</param>
    /// <param name="b">Storage of every B_i.</param>
    /// <param name="ldb">Row stride inside each B_i.</param>
    /// <param name="strideB">Offset between consecutive B_i (0 reuses one B).</param>
    /// <param name="beta">Scale of each C_i's prior content; 0 overwrites (NaNs ignored).</param>
    /// <param name="c">Storage of every C_i.</param>
    /// <param name="ldc">Row stride inside each C_i.</param>
    /// <param name="strideC">Offset between consecutive C_i; at least (m-1)*ldc+n when batchCount &gt; 1.</param>
    /// <param name="batchCount">Number of products; 0 does nothing.</param>
    /// <exception cref="ArgumentException">A dimension, stride or buffer length is inconsistent, or the C_i overlap; thrown before any work.</exception>
    public static void SgemmStridedBatched(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batchCount)
        => SgemmStridedBatched(GemmKernels.Best, EngineSettings.Threads, transposeA, transposeB, m, n, k, alpha,
            a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batchCount);

    /// <summary>The strided batched product on a chosen kernel family and thread count (tests force each path).</summary>
    internal static void SgemmStridedBatched(GemmKernelKind kernel, int threads, bool transposeA, bool transposeB,
        int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb,
        long strideB, float beta, Span<float> c, int ldc, long strideC, int batchCount)
    {
        using var profile = KernelProfile.Time(KernelCategory.Gemm);
        ArgumentOutOfRangeException.ThrowIfNegative(batchCount);
        ArgumentOutOfRangeException.ThrowIfNegative(strideA);
        ArgumentOutOfRangeException.ThrowIfNegative(strideB);
        ArgumentOutOfRangeException.ThrowIfNegative(strideC);
        if (batchCount == 0) return;
        long last = batchCount - 1;
        GemmArguments.Validate(transposeA, transposeB, m, n, k,
            LastLength(a.Length, last, strideA), lda, LastLength(b.Length, last, strideB), ldb,
            LastLength(c.Length, last, strideC), ldc);
        if (batchCount > 1 && m > 0 && n > 0 && strideC < (long)(m - 1) * ldc + n)
            throw new ArgumentException($"strideC = {strideC} makes consecutive {m}x{n} outputs (ldc {ldc}) overlap.", nameof(strideC));
        fixed (float* pa = a, pb = b, pc = c)
        {
            var body = new BatchBody
            {
                Kernel = kernel, TransposeA = transposeA, TransposeB = transposeB, M = m, N = n, K = k, Alpha = alpha,
                A = pa, Lda = lda, StrideA = strideA, B = pb, Ldb = ldb, StrideB = strideB, Beta = beta,
                C = pc, Ldc = ldc, StrideC = strideC, Threads = 1,
            };
            // One entry per thread when there are enough entries to balance; otherwise each product is parallel.
            long flops = 2L * m * n * k;
            bool overBatch = threads > 1 && (batchCount >= 4 * threads || batchCount % threads == 0
                || flops < GemmBlocking.ParallelMinFlops);
            if (overBatch) ComputePool.For(batchCount, body, threads);
            else
            {
                body.Threads = threads;
                for (int i = 0; i < batchCount; i++) body.Execute(i);
            }
        }
    }

    /// <summary>Elements available to the last batch entry, clamped into int (negative when the stride overruns).</summary>
    private static int LastLength(int length, long last, long stride)
        => last == 0 ? length : stride > length ? -1 : (int)Math.Max(-1, length - last * stride);

    private struct BatchBody : IComputeBody
    {
        public GemmKernelKind Kernel;
        public bool TransposeA, TransposeB;
        public int M, N, K, Lda, Ldb, Ldc, Threads;
        public long StrideA, StrideB, StrideC;
        public float Alpha, Beta;
        public float* A, B, C;

        public readonly void Execute(int index)
            => Multiply(Kernel, TransposeA, TransposeB, M, N, K, Alpha, A + index * StrideA, Lda, B + index * StrideB, Ldb,
                Beta, C + index * StrideC, Ldc, Threads);
    }
}
