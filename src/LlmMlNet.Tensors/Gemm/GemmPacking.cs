// Packing of SGEMM operands into the panel layouts the micro-kernels stream: A into MR-row panels
// (k-major), B into NR-column panels (k-major), zero-padded at ragged edges so kernels never branch.
// Deliberately knows nothing of blocking order or threads; it copies one block when told.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmMlNet.Tensors;

/// <summary>Copies blocks of op(A) and op(B) into micro-panel order.</summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] into ceil(mc/mr) panels; panel q starts at dst + q*mr*kc and holds
    /// element (r, p) at [p*mr + r]. Rows past mc are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transposeA, float* a, nint lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (nint)ir * kc;
            if (transposeA)
            {
                // A is stored [k, m]: the mr values of one k step are contiguous.
                float* src = a + (nint)p0 * lda + i0 + ir;
                if (rows == mr) CopyStrided(src, lda, panel, mr, kc);
                else
                    for (int p = 0; p < kc; p++, src += lda, panel += mr)
                    {
                        Unsafe.CopyBlockUnaligned(panel, src, (uint)(rows * sizeof(float)));
                        for (int r = rows; r < mr; r++) panel[r] = 0f;
                    }
            }
            else
            {
                // A is stored [m, k]: each row is contiguous along k, so the panel is a transpose.
                GemmTranspose.Panel(a + (nint)(i0 + ir) * lda + p0, lda, rows, kc, mr, panel);
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] into ceil(nc/nr) panels; panel q starts at dst + q*nr*kc and holds
    /// element (p, c) at [p*nr + c]. Columns past nc are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transposeB, float* b, nint ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (nint)jr * kc;
            if (!transposeB)
            {
                // B is stored [k, n]: the nr values of one k step are contiguous.
                float* src = b + (nint)p0 * ldb + j0 + jr;
                if (cols == nr) CopyStrided(src, ldb, panel, nr, kc);
                else
                    for (int p = 0; p < kc; p++, src += ldb, panel += nr)
                    {
                        Unsafe.CopyBlockUnaligned(panel, src, (uint)(cols * sizeof(float)));
                        for (int c = cols; c < nr; c++) panel[c] = 0f;
                    }
            }
            else
            {
                // B is stored [n, k]: each column of op(B) is a contiguous row of storage, so this is a transpose.
                GemmTranspose.Panel(b + (nint)(j0 + jr) * ldb + p0, ldb, cols, kc, nr, panel);
            }
        }
    }

    // count rows of width floats, src rows ldSrc apart, into a dense panel: full panels are the common case, and a
    // variable-length CopyBlock per 48- or 128-byte row cost more than the vector moves it replaces.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyStrided(float* src, nint ldSrc, float* dst, int width, int count)
    {
        if (!Vector256.IsHardwareAccelerated || width % 4 != 0)
        {
            for (int p = 0; p < count; p++, src += ldSrc, dst += width) Unsafe.CopyBlockUnaligned(dst, src, (uint)(width * sizeof(float)));
            return;
        }
        for (int p = 0; p < count; p++, src += ldSrc, dst += width)
        {
            int j = 0;
            for (; j + 8 <= width; j += 8) Vector256.Store(Vector256.Load(src + j), dst + j);
            if (j < width) Vector128.Store(Vector128.Load(src + j), dst + j);
        }
    }
}
