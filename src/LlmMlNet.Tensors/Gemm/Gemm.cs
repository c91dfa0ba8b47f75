// Public SGEMM entry point. Row-major, BLAS semantics. This file picks the implementation;
// the fast packed kernels live beside it.
namespace LlmMlNet.Tensors;

/// <summary>Single-precision matrix multiply, row-major: C = alpha * op(A) * op(B) + beta * C.</summary>
public static class Gemm
{
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
        => GemmReference.Sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>
    /// For each batch index i in [0, batchCount): C_i = alpha * op(A_i) * op(B_i) + beta * C_i, where
    /// X_i starts at offset i * strideX in X's storage (attention's per-head products).
    /// </summary>
    /// <exception cref="ArgumentException">A dimension, stride or buffer length is inconsistent; thrown before any work.</exception>
    public static void SgemmStridedBatched(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batchCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchCount);
        ArgumentOutOfRangeException.ThrowIfNegative(strideA);
        ArgumentOutOfRangeException.ThrowIfNegative(strideB);
        ArgumentOutOfRangeException.ThrowIfNegative(strideC);
        if (batchCount == 0) return;
        long last = batchCount - 1;
        GemmArguments.Validate(transposeA, transposeB, m, n, k,
            (int)Math.Min(int.MaxValue, a.Length - last * strideA), lda,
            (int)Math.Min(int.MaxValue, b.Length - last * strideB), ldb,
            (int)Math.Min(int.MaxValue, c.Length - last * strideC), ldc);
        for (long i = 0; i < batchCount; i++)
            Sgemm(transposeA, transposeB, m, n, k, alpha, a[(int)(i * strideA)..], lda, b[(int)(i * strideB)..], ldb,
                beta, c[(int)(i * strideC)..], ldc);
    }
}
