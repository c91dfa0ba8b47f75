// The SGEMM blocking and scheduling constants, in one place with the cache or cost reason for each.
// Tuned for AMD Zen 4/5 (48 KB L1d, 1 MB L2 per core, shared L3) and sane on other x64 cores;
// deliberately compile-time constants so the driver's loops see fixed bounds.
namespace LlmMlNet.Tensors;

/// <summary>Cache blocking (kc, mc, nc) and parallel-split parameters of the SGEMM driver.</summary>
internal static class GemmBlocking
{
    /// <summary>Depth of one K block (kc): a 32-column B micro-panel of 256 rows is 32 KB, inside a 48 KB L1.</summary>
    public const int KC = 256;

    /// <summary>Widest column block (nc) packed at once: 2048 x 256 floats = 2 MB, an L3-resident B block.</summary>
    public const int NCMax = 2048;

    /// <summary>
    /// Largest row block (mc) of any kernel, which sizes the packed-A scratch: 192 x 256 floats = 192 KB, an
    /// L2-resident A block. Each kernel states its own mc (IGemmMicroKernel.MC), whole panels of MR rows.
    /// </summary>
    public const int MCMax = 192;

    /// <summary>Below this many flops (about 30 µs of one core) a product runs on the calling thread alone.</summary>
    public const long ParallelMinFlops = 1L << 22;

    /// <summary>
    /// Tiles of C aimed for per thread: enough that a thread slowed by other load just takes fewer tiles,
    /// few enough that repacking A and B per tile stays a few percent of the flops.
    /// </summary>
    public const int TilesPerThread = 4;

    /// <summary>
    /// Least multiply-adds per packed element (rows·cols / (rows + cols) of a tile) worth a further split once
    /// every thread has a tile: 256 × 256 weight gradients over K = 4096 stay in 128 × 256 tiles instead of
    /// nine 96 × 96 ones that packed their operands 2-3 times over.
    /// </summary>
    public const int MinTileReuse = 100;

    /// <summary>
    /// Least K that is split into two fixed halves when C is small (K at least 4x its larger side): a weight
    /// gradient over 4096 tokens runs as two independent half-depth products, one per thread on two threads,
    /// instead of two tiles that each pack or stream the whole of the shared operand.
    /// </summary>
    public const int SplitKMinDepth = 2048;

    /// <summary>Largest C (elements) whose K is split: the second half's partial product is a buffer this big (4 MB).</summary>
    public const long SplitKMaxC = 1L << 20;

    /// <summary>
    /// Tiles of at most this many rows read a row-major (non-transposed) B in place instead of packing it:
    /// the small-matrix path (e.g. generation's few-row products). Packing a B panel costs about 1/12 of one
    /// kernel call, so it pays as soon as a panel is reused by a few row panels; and B read in place with a
    /// power-of-two row stride maps its rows onto few L1 sets, so a tall tile would keep missing L1.
    /// </summary>
    public const int InPlaceBMaxRows = 32;
}
