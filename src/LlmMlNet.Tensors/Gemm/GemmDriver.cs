// The GotoBLAS/BLIS-style blocked SGEMM driver, specialized per micro-kernel.
// C is cut into tiles (the unit of parallel work, each a disjoint block of C); inside a tile the loops are
// K blocks (kc, B packed once per block) -> row blocks (mc, A packed) -> NR panels -> MR panels -> kernel.
// K is split only by shape (deep K, small C: weight gradients), into two fixed halves summed in a fixed
// order, never by thread count: every C element is summed in the same order for any thread count, so
// results are bit-identical whatever EngineSettings.Threads is.
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace LlmMlNet.Tensors;

/// <summary>Blocked, packed, optionally parallel SGEMM over raw pointers (arguments already validated).</summary>
internal static unsafe class GemmDriver<TKernel> where TKernel : struct, IGemmMicroKernel
{
    /// <summary>C = alpha * op(A) * op(B) + beta * C using at most <paramref name="threads"/> threads.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        bool parallel = threads > 1 && 2L * m * n * k >= GemmBlocking.ParallelMinFlops;
        if (SplitsK(m, n, k))
        {
            MultiplySplitK(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, parallel ? threads : 1);
            return;
        }
        PlanTiles(m, n, parallel ? threads : 1, out int tileRows, out int tileCols);
        var body = new TileBody
        {
            TransposeA = transposeA, TransposeB = transposeB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
            A = a, Lda = lda, B = b, Ldb = ldb, C = c, Ldc = ldc,
            TileRows = tileRows, TileCols = tileCols, TilesAcross = (n + tileCols - 1) / tileCols,
        };
        int tiles = body.TilesAcross * ((m + tileRows - 1) / tileRows);
        if (parallel && tiles > 1) ComputePool.For(tiles, body, threads);
        else for (int t = 0; t < tiles; t++) body.Execute(t);
    }

    /// <summary>
    /// Whether K is cut into two halves (a property of the shape alone, so results never depend on threads): K
    /// deep and C small, as in weight gradients, where splitting C instead gives every thread the whole K of
    /// both operands to pack or stream and leaves tiles too small to repay it.
    /// </summary>
    internal static bool SplitsK(int m, int n, int k)
        => k >= GemmBlocking.SplitKMinDepth && k >= 4L * Math.Max(m, n) && (long)m * n <= GemmBlocking.SplitKMaxC;

    /// <summary>
    /// C = (alpha·op(A)[:, :k0]·op(B)[:k0, :] + beta·C) + alpha·op(A)[:, k0:]·op(B)[k0:, :], k0 = K/2 rounded up to
    /// a K block: both halves' tiles are one pool of work items, the second half lands in the calling thread's
    /// partial buffer, and C adds it afterwards in a fixed order.
    /// </summary>
    private static void MultiplySplitK(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        int k0 = RoundUp((k + 1) / 2, GemmBlocking.KC);
        float* partial = GemmScratch.Current.Partial((long)m * n);
        PlanTiles(m, n, (threads + 1) / 2, out int tileRows, out int tileCols);
        var first = new TileBody
        {
            TransposeA = transposeA, TransposeB = transposeB, M = m, N = n, K = k0, Alpha = alpha, Beta = beta,
            A = a, Lda = lda, B = b, Ldb = ldb, C = c, Ldc = ldc,
            TileRows = tileRows, TileCols = tileCols, TilesAcross = (n + tileCols - 1) / tileCols,
        };
        var second = first;
        second.K = k - k0;
        second.A = transposeA ? a + (nint)k0 * lda : a + k0;
        second.B = transposeB ? b + k0 : b + (nint)k0 * ldb;
        second.Beta = 0f;
        second.C = partial;
        second.Ldc = n;
        var body = new SplitBody { First = first, Second = second, Tiles = first.TilesAcross * ((m + tileRows - 1) / tileRows) };
        if (threads > 1) ComputePool.For(2 * body.Tiles, body, threads);
        else for (int t = 0; t < 2 * body.Tiles; t++) body.Execute(t);
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            TensorPrimitives.Add(row, new ReadOnlySpan<float>(partial + (nint)i * n, n), row);
        }
    }

    /// <summary>
    /// Picks tile sizes (multiples of MR and NR, columns at most NCMax) giving about GemmBlocking.TilesPerThread tiles per
    /// thread, splitting the longer side first so tiles stay square-ish and repacking stays cheap.
    /// </summary>
    internal static void PlanTiles(int m, int n, int threads, out int tileRows, out int tileCols)
    {
        int tilesDown = 1, tilesAcross = (n + GemmBlocking.NCMax - 1) / GemmBlocking.NCMax;
        int target = threads > 1 ? threads * GemmBlocking.TilesPerThread : 1;
        while (tilesDown * tilesAcross < target)
        {
            int rows = (m + tilesDown - 1) / tilesDown, cols = (n + tilesAcross - 1) / tilesAcross;
            int down = tilesDown, across = tilesAcross;
            if (rows >= cols && rows >= 2 * TKernel.MR) down++;
            else if (cols >= 2 * TKernel.NR) across++;
            else if (rows >= 2 * TKernel.MR) down++;
            else break;
            // Every tile packs its rows of A and columns of B over the whole K, so small tiles of a small C (weight
            // gradients: C is [out, in], K is batch x tokens) spend more time packing than multiplying. Once each
            // thread has a tile, stop splitting before a tile's flops per packed element drop below the floor.
            if (down * across > threads && Reuse(m, n, down, across) < GemmBlocking.MinTileReuse) break;
            (tilesDown, tilesAcross) = (down, across);
        }
        tileRows = RoundUp((m + tilesDown - 1) / tilesDown, TKernel.MR);
        tileCols = RoundUp((n + tilesAcross - 1) / tilesAcross, TKernel.NR);
    }

    // rows·cols / (rows + cols) of a tile: multiply-adds per packed element.
    private static double Reuse(int m, int n, int tilesDown, int tilesAcross)
    {
        double rows = (m + tilesDown - 1) / tilesDown, cols = (n + tilesAcross - 1) / tilesAcross;
        return rows * cols / (rows + cols);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>BLAS semantics when the product vanishes: C = beta * C, and beta == 0 clears C (NaNs included).</summary>
    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>One tile of C: the parallel work item.</summary>
    private struct TileBody : IComputeBody
    {
        public bool TransposeA, TransposeB;
        public int M, N, K, Lda, Ldb, Ldc, TileRows, TileCols, TilesAcross;
        public float Alpha, Beta;
        public float* A, B, C;

        public readonly void Execute(int index)
        {
            int i0 = index / TilesAcross * TileRows, j0 = index % TilesAcross * TileCols;
            RunTile(in this, i0, Math.Min(TileRows, M - i0), j0, Math.Min(TileCols, N - j0));
        }
    }

    /// <summary>The tiles of both K halves as one index range: [0, Tiles) the first half's, then the second's.</summary>
    private struct SplitBody : IComputeBody
    {
        public TileBody First, Second;
        public int Tiles;

        public readonly void Execute(int index)
        {
            if (index < Tiles) First.Execute(index);
            else Second.Execute(index - Tiles);
        }
    }

    // Fully optimized from the first call: tier-0 code here would make a training run's first steps (and
    // every short benchmark) several times slower while the JIT catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTile(in TileBody t, int i0, int mt, int j0, int nt)
    {
        int mr = TKernel.MR, nr = TKernel.NR, mcMax = TKernel.MC;
        GemmScratch scratch = GemmScratch.Current;
        bool bInPlace = !t.TransposeB && mt <= GemmBlocking.InPlaceBMaxRows;
        for (int p0 = 0; p0 < t.K; p0 += GemmBlocking.KC)
        {
            int kc = Math.Min(GemmBlocking.KC, t.K - p0);
            float beta = p0 == 0 ? t.Beta : 1f;
            if (!bInPlace) GemmPacking.PackB(t.TransposeB, t.B, t.Ldb, p0, kc, j0, nt, nr, scratch.B);
            for (int ic = 0; ic < mt; ic += mcMax)
            {
                int mc = Math.Min(mcMax, mt - ic);
                GemmPacking.PackA(t.TransposeA, t.A, t.Lda, i0 + ic, mc, p0, kc, mr, scratch.A);
                for (int jr = 0; jr < nt; jr += nr)
                {
                    int cols = Math.Min(nr, nt - jr);
                    float* panelB;
                    nint bStride = nr;
                    if (!bInPlace) panelB = scratch.B + (nint)jr * kc;
                    else if (cols == nr)
                    {
                        panelB = t.B + (nint)p0 * t.Ldb + j0 + jr;
                        bStride = t.Ldb;
                    }
                    else
                    {
                        GemmPacking.PackB(false, t.B, t.Ldb, p0, kc, j0 + jr, cols, nr, scratch.BEdge);
                        panelB = scratch.BEdge;
                    }
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int rows = Math.Min(mr, mc - ir);
                        float* panelA = scratch.A + (nint)ir * kc;
                        float* cTile = t.C + (nint)(i0 + ic + ir) * t.Ldc + j0 + jr;
                        if (rows == mr && cols == nr)
                            TKernel.Multiply(kc, panelA, panelB, bStride, cTile, t.Ldc, t.Alpha, beta);
                        else
                            EdgeTile(kc, panelA, panelB, bStride, cTile, t.Ldc, rows, cols, t.Alpha, beta, scratch.CEdge);
                    }
                }
            }
        }
    }

    /// <summary>A ragged micro-tile: the kernel writes a full tile to scratch, then only rows x cols reach C.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EdgeTile(int kc, float* panelA, float* panelB, nint bStride, float* c, int ldc,
        int rows, int cols, float alpha, float beta, float* edge)
    {
        int nr = TKernel.NR;
        TKernel.Multiply(kc, panelA, panelB, bStride, edge, nr, 1f, 0f);
        for (int r = 0; r < rows; r++)
        {
            var cRow = new Span<float>(c + (nint)r * ldc, cols);
            var eRow = new ReadOnlySpan<float>(edge + r * nr, cols);
            // Same rounding as the kernels' update: one fused alpha*acc + (beta*C).
            if (beta == 0f) TensorPrimitives.Multiply(eRow, alpha, cRow);
            else
            {
                if (beta != 1f) TensorPrimitives.Multiply(cRow, beta, cRow);
                TensorPrimitives.FusedMultiplyAdd(eRow, alpha, cRow, cRow);
            }
        }
    }
}
