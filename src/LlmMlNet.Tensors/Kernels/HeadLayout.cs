// Attention's head split and merge: [batch, seq, heads·headSize] ⇄ [batch, heads, seq, headSize],
// so each (batch, head) pair is one contiguous matrix for the strided-batched GEMMs.
// Pure copies (their backward is the other direction); not the projections themselves.
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Head split/merge transposes for multi-head attention.</summary>
public static class HeadLayout
{
    /// <summary>output[b, h, t, :] = input[b, t, h·headSize .. (h+1)·headSize].</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than batch·seq·heads·headSize; thrown before any work.</exception>
    public static void Split(Span<float> output, ReadOnlySpan<float> input, int batch, int seq, int heads, int headSize)
    {
        using var profile = KernelProfile.Time(KernelCategory.Layout);
        int n = Check(output.Length, input.Length, batch, seq, heads, headSize, nameof(output), nameof(input));
        if (n == 0) return;
        ComputePool.For(batch, new Body { Output = output, Input = input, Seq = seq, Heads = heads, HeadSize = headSize, Merge = false });
    }

    // One batch entry per work item: every entry's rows are disjoint in both layouts.
    private ref struct Body : IComputeBody
    {
        public Span<float> Output;
        public ReadOnlySpan<float> Input;
        public int Seq, Heads, HeadSize;
        public bool Merge;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Execute(int b)
        {
            int c = Heads * HeadSize;
            for (int t = 0; t < Seq; t++)
                for (int h = 0; h < Heads; h++)
                {
                    int tokenOffset = (b * Seq + t) * c + h * HeadSize, headOffset = ((b * Heads + h) * Seq + t) * HeadSize;
                    if (Merge) Input.Slice(headOffset, HeadSize).CopyTo(Output.Slice(tokenOffset, HeadSize));
                    else Input.Slice(tokenOffset, HeadSize).CopyTo(Output.Slice(headOffset, HeadSize));
                }
        }
    }

    /// <summary>output[b, t, h·headSize ..] = input[b, h, t, :] (the inverse of <see cref="Split"/>).</summary>
    /// <exception cref="ArgumentException">A buffer is too short; thrown before any work.</exception>
    public static void Merge(Span<float> output, ReadOnlySpan<float> input, int batch, int seq, int heads, int headSize)
    {
        using var profile = KernelProfile.Time(KernelCategory.Layout);
        int n = Check(output.Length, input.Length, batch, seq, heads, headSize, nameof(output), nameof(input));
        if (n == 0) return;
        ComputePool.For(batch, new Body { Output = output, Input = input, Seq = seq, Heads = heads, HeadSize = headSize, Merge = true });
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
