// A tokenized example for completion-only causal-LM training, in Hugging Face's layout: input ids and labels
// of the same length, where labels copy the ids the loss covers (the response, its EOS) and hold -100 on the
// prompt. The shift to next-token targets happens in SupervisedCollator, as in the model's loss. Also packing:
// sequences concatenated into full blocks (TRL's packing). Not tokenization (Tasks.Generative.CausalLmFeaturizer).
namespace LlmMlNet.Transformers.Training;

/// <summary>Input ids and aligned labels (-100 where no loss).</summary>
public sealed class SupervisedSequence
{
    /// <summary>Creates a sequence.</summary>
    /// <exception cref="ArgumentException">Empty, or labels of another length.</exception>
    public SupervisedSequence(int[] inputIds, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputIds.Length == 0) throw new ArgumentException("A sequence needs at least one token.", nameof(inputIds));
        if (labels.Length != inputIds.Length) throw new ArgumentException($"labels has {labels.Length} values for {inputIds.Length} ids.", nameof(labels));
        InputIds = inputIds;
        Labels = labels;
    }

    /// <summary>Token ids.</summary>
    public int[] InputIds { get; }

    /// <summary>The id the loss predicts at each position (before the shift), or <see cref="LanguageModelBatch.IgnoreTarget"/>.</summary>
    public int[] Labels { get; }

    /// <summary>Number of tokens.</summary>
    public int Length => InputIds.Length;

    /// <summary>
    /// Concatenates sequences into blocks of exactly <paramref name="blockSize"/> tokens (the last may be shorter), splitting a
    /// sequence across blocks where needed: no padding is wasted, and, as in TRL's classic packing, tokens may attend to the
    /// previous example in the same block. Labels travel with their tokens.
    /// </summary>
    /// <exception cref="ArgumentException">blockSize below 2.</exception>
    public static IEnumerable<SupervisedSequence> Pack(IEnumerable<SupervisedSequence> sequences, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (blockSize < 2) throw new ArgumentException($"blockSize must be at least 2, got {blockSize}.", nameof(blockSize));
        return PackIterator(sequences, blockSize);
    }

    private static IEnumerable<SupervisedSequence> PackIterator(IEnumerable<SupervisedSequence> sequences, int blockSize)
    {
        var ids = new List<int>(blockSize);
        var labels = new List<int>(blockSize);
        foreach (var sequence in sequences)
        {
            for (int i = 0; i < sequence.Length; i++)
            {
                ids.Add(sequence.InputIds[i]);
                labels.Add(sequence.Labels[i]);
                if (ids.Count < blockSize) continue;
                yield return new SupervisedSequence([.. ids], [.. labels]);
                ids.Clear();
                labels.Clear();
            }
        }
        if (ids.Count > 0) yield return new SupervisedSequence([.. ids], [.. labels]);
    }
}

/// <summary>Right-pads sequences and shifts labels into next-token targets: target[t] = labels[t+1], -100 past each row's end.</summary>
public sealed class SupervisedCollator : IBatchCollator<SupervisedSequence, LanguageModelBatch>
{
    private readonly int _padId;

    /// <summary>Creates the collator; <paramref name="padTokenId"/> fills padding (masked, so any id works).</summary>
    public SupervisedCollator(int padTokenId) => _padId = padTokenId;

    /// <summary>Builds the batch.</summary>
    /// <exception cref="ArgumentException">No examples.</exception>
    public LanguageModelBatch Collate(IReadOnlyList<SupervisedSequence> examples, BatchContext context)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("A batch needs at least one example.", nameof(examples));
        int length = examples.Max(e => e.Length);
        var ids = new int[examples.Count * length];
        var mask = new int[ids.Length];
        var targets = new int[ids.Length];
        Array.Fill(ids, _padId);
        Array.Fill(targets, LanguageModelBatch.IgnoreTarget);
        for (int r = 0; r < examples.Count; r++)
        {
            var e = examples[r];
            int o = r * length;
            e.InputIds.CopyTo(ids, o);
            mask.AsSpan(o, e.Length).Fill(1);
            for (int t = 0; t + 1 < e.Length; t++) targets[o + t] = e.Labels[t + 1];
        }
        return new LanguageModelBatch(examples.Count, length, ids, mask, targets);
    }
}
