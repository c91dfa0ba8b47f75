// Embedding lookup (rows of a [vocab, channels] table by id) and its scatter-add backward.
// Every id is checked before any row is written. Not position logic: callers pass position ids.
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Table lookup and scatter-add gradient.</summary>
public static class EmbeddingKernel
{
    /// <summary>
    /// output[n,:] = table[ids[n],:] (or += when <paramref name="accumulate"/>, to sum word,
    /// position and type embeddings in place). Shapes: output [ids.Length, channels], table [vocab, channels].
    /// </summary>
    /// <exception cref="ArgumentException">An id is outside [0, vocab) (the message names the row), or a buffer is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(Span<float> output, ReadOnlySpan<int> ids, ReadOnlySpan<float> table, int vocab, int channels, bool accumulate = false)
    {
        using var profile = KernelProfile.Time(KernelCategory.Embedding);
        Check(output.Length, ids, table.Length, vocab, channels, nameof(output), nameof(table));
        for (int n = 0; n < ids.Length; n++)
        {
            var src = table.Slice(ids[n] * channels, channels);
            var dst = output.Slice(n * channels, channels);
            if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
            else src.CopyTo(dst);
        }
    }

    /// <summary>Differentiates output[n] = table[ids[n]]: tableGradient[ids[n],:] += outputGradient[n,:].</summary>
    /// <exception cref="ArgumentException">An id is out of range or a buffer is too short; thrown before any work.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Span<float> tableGradient, ReadOnlySpan<float> outputGradient, ReadOnlySpan<int> ids, int vocab, int channels)
    {
        using var profile = KernelProfile.Time(KernelCategory.Embedding);
        Check(outputGradient.Length, ids, tableGradient.Length, vocab, channels, nameof(outputGradient), nameof(tableGradient));
        for (int n = 0; n < ids.Length; n++)
        {
            var dst = tableGradient.Slice(ids[n] * channels, channels);
            System.Numerics.Tensors.TensorPrimitives.Add(dst, outputGradient.Slice(n * channels, channels), dst);
        }
    }

    /// <summary>Naive twin of <see cref="Forward"/>.</summary>
    public static void ForwardNaive(Span<float> output, ReadOnlySpan<int> ids, ReadOnlySpan<float> table, int channels, bool accumulate = false)
    {
        for (int n = 0; n < ids.Length; n++)
            for (int c = 0; c < channels; c++)
                output[n * channels + c] = (accumulate ? output[n * channels + c] : 0f) + table[ids[n] * channels + c];
    }

    /// <summary>Naive twin of <see cref="Backward"/>.</summary>
    public static void BackwardNaive(Span<float> tableGradient, ReadOnlySpan<float> outputGradient, ReadOnlySpan<int> ids, int channels)
    {
        for (int n = 0; n < ids.Length; n++)
            for (int c = 0; c < channels; c++)
                tableGradient[ids[n] * channels + c] += outputGradient[n * channels + c];
    }

    private static void Check(int rowsLength, ReadOnlySpan<int> ids, int tableLength, int vocab, int channels, string rowsName, string tableName)
    {
        int tableSize = KernelArguments.Product(vocab, channels, nameof(vocab), nameof(channels));
        KernelArguments.AtLeast(tableLength, tableSize, tableName);
        KernelArguments.AtLeast(rowsLength, KernelArguments.Product(ids.Length, channels, nameof(ids), nameof(channels)), rowsName);
        for (int n = 0; n < ids.Length; n++)
            if ((uint)ids[n] >= (uint)vocab)
                throw new ArgumentException($"ids[{n}] = {ids[n]} is outside the vocabulary [0, {vocab}).", nameof(ids));
    }
}
