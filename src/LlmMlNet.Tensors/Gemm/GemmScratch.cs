// Per-thread packing buffers for the blocked SGEMM: one pinned, 64-byte-aligned block per thread,
// allocated on the thread's first GEMM and reused for the life of the thread (no allocation per call).
// Deliberately thread-static rather than per pool worker: a GEMM may run inline on any caller thread.
namespace LlmMlNet.Tensors;

/// <summary>The packed-A block, packed-B block and edge tiles of one thread's GEMM work.</summary>
internal sealed unsafe class GemmScratch
{
    /// <summary>Largest micro-tile of any kernel (rows x columns).</summary>
    private const int TileMax = 16 * 64;

    [ThreadStatic] private static GemmScratch? _current;

    private readonly float[] _storage;

    /// <summary>Packed A block, MCMax x KC floats.</summary>
    public readonly float* A;

    /// <summary>Packed B block, KC x NCMax floats.</summary>
    public readonly float* B;

    /// <summary>One B panel packed for the ragged right edge when B is otherwise read in place.</summary>
    public readonly float* BEdge;

    /// <summary>A micro-tile of C for the ragged bottom/right edges.</summary>
    public readonly float* CEdge;

    private float[]? _partial;
    private float* _partialStart;

    /// <summary>
    /// A buffer of at least <paramref name="count"/> floats for a split-K product's second half; grows (pinned,
    /// kept for the thread's life) only when a larger C than before asks for it.
    /// </summary>
    public float* Partial(long count)
    {
        if (_partial is null || _partial.Length < count)
        {
            _partial = GC.AllocateUninitializedArray<float>((int)count, pinned: true);
            fixed (float* start = _partial) _partialStart = start;
        }
        return _partialStart;
    }

    private GemmScratch()
    {
        const int aSize = GemmBlocking.MCMax * GemmBlocking.KC, bSize = GemmBlocking.KC * GemmBlocking.NCMax, bEdgeSize = GemmBlocking.KC * 64;
        // Pinned: the pointers stay valid for the array's life, which is the thread's.
        _storage = GC.AllocateUninitializedArray<float>(aSize + bSize + bEdgeSize + TileMax + 16, pinned: true);
        fixed (float* start = _storage)
        {
            float* p = (float*)(((nint)start + 63) & ~(nint)63);
            A = p;
            B = A + aSize;
            BEdge = B + bSize;
            CEdge = BEdge + bEdgeSize;
        }
    }

    /// <summary>This thread's buffers, created on first use.</summary>
    public static GemmScratch Current => _current ??= new GemmScratch();
}
