// A batch for language-model objectives: input ids, attention mask and one prediction target per
// position, already aligned (MLM: the original id at masked positions; CLM: the next token, i.e.
// labels shifted left). -100 marks positions without a target. Not a tokenizer output or a collator.
using LlmMlNet.Tensors.Kernels;

namespace LlmMlNet.Transformers.Training;

/// <summary>Row-major [Batch, SequenceLength] ids, mask and targets.</summary>
public sealed class LanguageModelBatch
{
    /// <summary>The "no target" value (PyTorch's ignore_index).</summary>
    public const int IgnoreTarget = CrossEntropy.DefaultIgnoreIndex;

    /// <summary>Creates a batch, checking every length.</summary>
    /// <exception cref="ArgumentException">A non-positive size or an array whose length is not batch × sequenceLength.</exception>
    public LanguageModelBatch(int batch, int sequenceLength, int[] inputIds, int[] attentionMask, int[] targets)
    {
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (sequenceLength <= 0) throw new ArgumentException($"sequenceLength must be positive, got {sequenceLength}.", nameof(sequenceLength));
        int count = checked(batch * sequenceLength);
        Check(inputIds, count, nameof(inputIds));
        Check(attentionMask, count, nameof(attentionMask));
        Check(targets, count, nameof(targets));
        Batch = batch;
        SequenceLength = sequenceLength;
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Targets = targets;
    }

    /// <summary>Rows.</summary>
    public int Batch { get; }

    /// <summary>Positions per row.</summary>
    public int SequenceLength { get; }

    /// <summary>Token ids (masked/replaced for MLM).</summary>
    public int[] InputIds { get; }

    /// <summary>1 for real tokens, 0 for padding.</summary>
    public int[] AttentionMask { get; }

    /// <summary>Target id per position, or <see cref="IgnoreTarget"/>.</summary>
    public int[] Targets { get; }

    /// <summary>Positions with a target.</summary>
    public int TargetCount => Targets.Count(t => t != IgnoreTarget);

    /// <summary>Real (unpadded) tokens.</summary>
    public int TokenCount => AttentionMask.Count(m => m != 0);

    private static void Check(int[] values, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != count) throw new ArgumentException($"{name} has {values.Length} values, expected batch × sequence = {count}.", name);
    }
}
