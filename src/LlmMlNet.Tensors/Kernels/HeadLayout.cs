// Attention's head split and merge: [batch, seq, heads·headSize] ⇄ [batch, heads, seq, headSize],
// so each (batch, head) pair is one contiguous matrix for the strided-batched GEMMs.
// Pure copies (their backward is the other direction); not the projections themselves.
namespace LlmMlNet.Tensors.Kernels;

/// <summary>Head split/merge transposes for multi-head attention.</summary>
public static class HeadLayout
{
    /// <summary>output[b, h, t, :] = input[b, t, h·headSize .. (h+1)·headSize].</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than batch·seq·heads·headSize; thrown before any work.</exception>
    public static void Split(Span<float> output, ReadOnlySpan<float> input, int batch, int seq, int heads, int headSize)
    {
        int n = Check(output.Length, input.Length, batch, seq, heads, headSize, nameof(output), nameof(input));
        if (n == 0) return;
        int c = heads * headSize;
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < seq; t++)
            {
                var row = input.Slice((b * seq + t) * c, c);
                for (int h = 0; h < heads; h++)
                    row.Slice(h * headSize, headSize).CopyTo(output.Slice(((b * heads + h) * seq + t) * headSize, headSize));
            }
    }

    /// <summary>output[b, t, h·headSize ..] = input[b, h, t, :] (the inverse of <see cref="Split"/>).</summary>
    /// <exception cref="ArgumentException">A buffer is too short; thrown before any work.</exception>
    public static void Merge(Span<float> output, ReadOnlySpan<float> input, int batch, int seq, int heads, int headSize)
    {
        int n = Check(output.Length, input.Length, batch, seq, heads, headSize, nameof(output), nameof(input));
        if (n == 0) return;
        int c = heads * headSize;
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < seq; t++)
            {
                var row = output.Slice((b * seq + t) * c, c);
                for (int h = 0; h < heads; h++)
                    input.Slice(((b * heads + h) * seq + t) * headSize, headSize).CopyTo(row.Slice(h * headSize, headSize));
            }
    }

    private static int Check(int outLength, int inLength, int batch, int seq, int heads, int headSize, string outName, string inName)
    {
        int bt = KernelArguments.Product(batch, seq, nameof(batch), nameof(seq));
        int c = KernelArguments.Product(heads, headSize, nameof(heads), nameof(headSize));
        int n = KernelArguments.Product(bt, c, nameof(seq), nameof(headSize));
        KernelArguments.AtLeast(outLength, n, outName);
        KernelArguments.AtLeast(inLength, n, inName);
        return n;
    }
}
