// Turns a list of examples into the batch a model consumes (padding, masking, labels). The
// context gives the batch's place in the run so per-batch randomness (MLM masks) is a function of
// (seed, batch number) and survives a resume. Not a data source: the Trainer streams examples to it.
namespace LlmMlNet.Transformers.Training;

/// <summary>Where a batch sits in the run.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="IndexInEpoch">0-based micro-batch index within the epoch.</param>
/// <param name="MicroBatch">Global 0-based micro-batch counter.</param>
/// <param name="Seed">The run's seed.</param>
public readonly record struct BatchContext(int Epoch, long IndexInEpoch, long MicroBatch, ulong Seed);

/// <summary>Builds batches from examples.</summary>
/// <typeparam name="TExample">One example.</typeparam>
/// <typeparam name="TBatch">The model's batch.</typeparam>
public interface IBatchCollator<TExample, out TBatch>
{
    /// <summary>Builds one batch from 1..BatchSize examples (the last batch of an epoch may be short).</summary>
    TBatch Collate(IReadOnlyList<TExample> examples, BatchContext context);
}
