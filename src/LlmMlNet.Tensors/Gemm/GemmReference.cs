// Naive single-threaded SGEMM: the twin every fast GEMM path is tested against.
// Row-major, BLAS semantics (C = alpha * op(A) * op(B) + beta * C). Deliberately slow and obvious.
namespace LlmMlNet.Tensors;

/// <summary>Naive reference SGEMM (row-major). Used by tests as the ground truth for <see cref="Gemm"/>.</summary>
public static class GemmReference
{
    /// <summary>C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C[m,n], accumulated in double.</summary>
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
    public static void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                float prior = beta == 0f ? 0f : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum) + prior;
            }
        }
    }
}
