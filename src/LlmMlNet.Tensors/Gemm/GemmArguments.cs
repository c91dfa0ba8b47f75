// Argument checks shared by every SGEMM entry point, done before any work so a bad call
// throws ArgumentException naming the argument and leaves C untouched.
namespace LlmMlNet.Tensors;

internal static class GemmArguments
{
    /// <summary>Throws when dimensions, leading dimensions or buffer lengths cannot hold the operands.</summary>
    public static void Validate(bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        CheckOperand("a", "lda", aRows, aCols, aLength, lda);
        CheckOperand("b", "ldb", bRows, bCols, bLength, ldb);
        CheckOperand("c", "ldc", m, n, cLength, ldc);
    }

    private static void CheckOperand(string name, string ldName, int rows, int cols, int length, int ld)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentException($"{ldName} = {ld} is smaller than the {cols} columns of {name}.", ldName);
        if (rows == 0 || cols == 0) return;
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"{name} has {length} elements but a {rows}x{cols} matrix with stride {ld} needs {needed}.", name);
    }
}
