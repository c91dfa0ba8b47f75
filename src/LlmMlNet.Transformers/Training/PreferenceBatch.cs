// A DPO batch: the chosen and the rejected sequences of P pairs stacked into one batch of 2P rows (rows 0..P-1
// chosen, P..2P-1 rejected), so the policy runs once over both, as TRL's concatenated_forward does; and the
// collator that builds it from pairs. Not the loss (DpoObjective).
namespace LlmMlNet.Transformers.Training;

/// <summary>A preference pair as two supervised sequences sharing the prompt.</summary>
/// <param name="Chosen">Prompt + chosen response (+ EOS); labels on the response.</param>
/// <param name="Rejected">Prompt + rejected response (+ EOS); labels on the response.</param>
public sealed record PreferencePair(SupervisedSequence Chosen, SupervisedSequence Rejected);

/// <summary>Chosen rows then rejected rows, with next-token targets on the responses.</summary>
public sealed class PreferenceBatch
{
    /// <summary>Wraps a stacked batch.</summary>
    /// <exception cref="ArgumentException">The batch does not hold exactly 2 × <paramref name="pairs"/> rows.</exception>
    public PreferenceBatch(LanguageModelBatch sequences, int pairs)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (pairs <= 0 || sequences.Batch != 2 * pairs)
            throw new ArgumentException($"A preference batch of {pairs} pairs needs {2 * pairs} rows, got {sequences.Batch}.", nameof(sequences));
        Sequences = sequences;
        Pairs = pairs;
    }

    /// <summary>The 2P rows.</summary>
    public LanguageModelBatch Sequences { get; }

    /// <summary>P.</summary>
    public int Pairs { get; }
}

/// <summary>Stacks pairs into a <see cref="PreferenceBatch"/> (padding and shifting as <see cref="SupervisedCollator"/>).</summary>
public sealed class PreferenceCollator : IBatchCollator<PreferencePair, PreferenceBatch>
{
    private readonly SupervisedCollator _inner;

    /// <summary>Creates the collator.</summary>
    public PreferenceCollator(int padTokenId) => _inner = new SupervisedCollator(padTokenId);

    /// <summary>Builds the batch.</summary>
    /// <exception cref="ArgumentException">No pairs.</exception>
    public PreferenceBatch Collate(IReadOnlyList<PreferencePair> examples, BatchContext context)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("A batch needs at least one pair.", nameof(examples));
        var rows = examples.Select(e => e.Chosen).Concat(examples.Select(e => e.Rejected)).ToList();
        return new PreferenceBatch(_inner.Collate(rows, context), examples.Count);
    }
}
