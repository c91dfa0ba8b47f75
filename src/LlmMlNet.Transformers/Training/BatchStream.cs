// Streams micro-batches for one epoch: re-enumerates the source, shuffles in a bounded buffer,
// groups examples and collates them. Resuming skips already-consumed examples without collating
// them, so a resumed run sees exactly the batches an uninterrupted one would. Not the loop.
namespace LlmMlNet.Transformers.Training;

/// <summary>One epoch's micro-batches with their context.</summary>
internal static class BatchStream
{
    /// <summary>
    /// Yields (batch, context) for epoch <paramref name="epoch"/>, starting at micro-batch
    /// <paramref name="skipBatches"/> of that epoch; <paramref name="firstMicroBatch"/> is the global counter of the first yielded batch.
    /// </summary>
    public static IEnumerable<(TBatch Batch, BatchContext Context, int Examples)> Epoch<TExample, TBatch>(
        IEnumerable<TExample> source, IBatchCollator<TExample, TBatch> collator, int batchSize, int shuffleBuffer,
        ulong seed, int epoch, long skipBatches, long firstMicroBatch)
    {
        var examples = StreamingShuffle.Shuffle(source, shuffleBuffer, seed, epoch);
        long skipExamples = skipBatches * batchSize, index = skipBatches, micro = firstMicroBatch;
        var pending = new List<TExample>(batchSize);
        foreach (var example in examples)
        {
            if (skipExamples > 0)
            {
                skipExamples--;
                continue;
            }
            pending.Add(example);
            if (pending.Count < batchSize) continue;
            var context = new BatchContext(epoch, index++, micro++, seed);
            yield return (collator.Collate(pending, context), context, pending.Count);
            pending = new List<TExample>(batchSize);
        }
        if (pending.Count > 0)
        {
            var context = new BatchContext(epoch, index, micro, seed);
            yield return (collator.Collate(pending, context), context, pending.Count);
        }
    }

    /// <summary>Counts the source's examples: a collection's own count, else one streaming pass (memory O(1)).</summary>
    public static long Count<TExample>(IEnumerable<TExample> source, CancellationToken cancellationToken)
    {
        if (source is IReadOnlyCollection<TExample> known) return known.Count;
        long count = 0;
        foreach (var _ in source)
        {
            if ((++count & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
        }
        return count;
    }
}
