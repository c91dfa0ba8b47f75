// Chunking rules shared by the element-wise and row-wise kernels that split their work over
// ComputePool: fixed chunk sizes (never derived from the thread count), so every chunk computes the
// same values whichever thread runs it and results are bit-identical for every thread count.
// Not a scheduler: ComputePool hands out the chunks.
namespace LlmMlNet.Tensors.Kernels;

/// <summary>Fixed work-item sizes for parallel kernels.</summary>
internal static class KernelParallel
{
    /// <summary>Elements per work item of element-wise kernels (a multiple of every vector width; tens of microseconds of work).</summary>
    public const int Elements = 16384;

    /// <summary>Number of items covering <paramref name="count"/> units in pieces of <paramref name="size"/>.</summary>
    public static int Chunks(int count, int size) => (count + size - 1) / size;

    /// <summary>The [start, start + length) range of item <paramref name="index"/>.</summary>
    public static (int Start, int Length) Range(int index, int size, int count)
    {
        int start = index * size;
        return (start, Math.Min(size, count - start));
    }
}
