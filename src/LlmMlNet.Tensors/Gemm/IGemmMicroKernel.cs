// The contract between the blocked SGEMM driver and its register-blocked micro-kernels.
// Deliberately static-abstract so the driver is specialized per kernel and the calls inline;
// a kernel knows nothing of blocking, packing or threads.
namespace LlmMlNet.Tensors;

/// <summary>A register-blocked MR x NR SGEMM micro-kernel over packed panels.</summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Rows of C one call produces (the height of a packed A panel).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of C one call produces (the width of a B panel).</summary>
    static abstract int NR { get; }

    /// <summary>
    /// Rows of A packed per block (mc, a multiple of MR, at most <see cref="GemmBlocking.MCMax"/>): the block stays
    /// in L2 while each B micro-panel is streamed past it from L1.
    /// </summary>
    static abstract int MC { get; }

    /// <summary>Whether the instructions this kernel needs exist on this machine.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>
    /// C[0..MR, 0..NR] = alpha * (A panel · B panel) + beta * C, where beta == 0 overwrites C without reading it.
    /// The A panel is packed (element (r, p) at a[p * MR + r]); B row p starts at b + p * bStride with NR
    /// contiguous columns (a packed panel has bStride == NR; row-major B may be read in place).
    /// </summary>
    static abstract void Multiply(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta);
}
