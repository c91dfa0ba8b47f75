// Checks, before any buffer is allocated, that a model's largest activation buffers for a given batch
// and sequence length fit one .NET array, so a huge batch size is a clear ArgumentException instead of an
// OverflowException deep inside the arena. Not a memory estimator: it bounds element counts only.
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Models;

/// <summary>Up-front size checks of the activation buffers of a batch.</summary>
public static class ActivationBudget
{
    /// <summary>
    /// Throws when <paramref name="maxBatch"/> × <paramref name="maxSequence"/> rows of this model would need a buffer of more
    /// elements than one array holds (hidden and FFN activations, the attention scores of every head).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A buffer would exceed <see cref="Array.MaxLength"/> elements; the message names the sizes.</exception>
    public static void Check(TransformerConfig config, int maxBatch, int maxSequence)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (maxBatch <= 0) throw new ArgumentOutOfRangeException(nameof(maxBatch), $"the batch size must be positive, got {maxBatch}");
        if (maxSequence <= 0) throw new ArgumentOutOfRangeException(nameof(maxSequence), $"the sequence length must be positive, got {maxSequence}");
        long rows = (long)maxBatch * maxSequence;
        long widest = Math.Max(Math.Max(config.HiddenSize, config.IntermediateSize), config.NumHeads * (long)maxSequence);
        // rows × widest covers hidden (rows × H), FFN (rows × I) and attention scores (batch × heads × T × T).
        if (rows > Array.MaxLength || rows * widest > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxBatch),
                $"a batch of {maxBatch} × {maxSequence} tokens needs activation buffers of {rows * widest:N0} elements (hidden {config.HiddenSize}, " +
                $"intermediate {config.IntermediateSize}, {config.NumHeads} heads), more than one array holds ({Array.MaxLength:N0}); lower the batch size or the max length");
    }
}
