// Collators from token blocks to LanguageModelBatch: right-pad to the longest block, then either
// mask (MLM, keyed by seed and micro-batch so masks are dynamic per epoch yet reproducible) or
// shift (CLM: the target at t is the token at t+1; padding and the last position get none).
// Not packing (BlockPacker) and not tokenization.
using LlmMlNet.Tensors;

namespace LlmMlNet.Transformers.Training;

/// <summary>Masked-LM batches with dynamic 80/10/10 masking.</summary>
public sealed class MaskedLanguageModelCollator : IBatchCollator<TokenBlock, LanguageModelBatch>
{
    private const ulong MaskingStream = 0x4D4C4DUL;
    private readonly MlmMasking _masking;
    private readonly int _padId;

    /// <summary>Creates the collator.</summary>
    /// <param name="masking">The masker.</param>
    /// <param name="padTokenId">Id written into padding positions.</param>
    public MaskedLanguageModelCollator(MlmMasking masking, int padTokenId)
    {
        ArgumentNullException.ThrowIfNull(masking);
        _masking = masking;
        _padId = padTokenId;
    }

    /// <summary>Pads, masks and returns the batch; the original blocks are not modified.</summary>
    /// <exception cref="ArgumentException">No examples.</exception>
    public LanguageModelBatch Collate(IReadOnlyList<TokenBlock> examples, BatchContext context)
    {
        var (ids, mask, length) = Pad(examples, _padId);
        var targets = new int[ids.Length];
        ulong key = CounterRng.Hash(context.Seed, MaskingStream, (ulong)context.MicroBatch);
        for (int r = 0; r < examples.Count; r++)
        {
            var span = new Range(r * length, r * length + length);
            var flags = examples[r].ContinuesWord;
            var rowFlags = flags is null ? default : Padded(flags, length);
            _masking.Apply(ids.AsSpan(span), mask.AsSpan(span), rowFlags, targets.AsSpan(span), key, r);
        }
        return new LanguageModelBatch(examples.Count, length, ids, mask, targets);
    }

    internal static (int[] Ids, int[] Mask, int Length) Pad(IReadOnlyList<TokenBlock> examples, int padId)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("A batch needs at least one example.", nameof(examples));
        int length = examples.Max(e => e.Length);
        var ids = new int[examples.Count * length];
        var mask = new int[ids.Length];
        for (int r = 0; r < examples.Count; r++)
        {
            var row = examples[r].Ids;
            row.CopyTo(ids, r * length);
            ids.AsSpan(r * length + row.Length, length - row.Length).Fill(padId);
            mask.AsSpan(r * length, row.Length).Fill(1);
        }
        return (ids, mask, length);
    }

    private static bool[] Padded(bool[] flags, int length)
    {
        if (flags.Length == length) return flags;
        var padded = new bool[length];
        flags.CopyTo(padded, 0);
        return padded;
    }
}

/// <summary>Causal-LM batches: targets are the inputs shifted left by one.</summary>
public sealed class CausalLanguageModelCollator : IBatchCollator<TokenBlock, LanguageModelBatch>
{
    private readonly int _padId;

    /// <summary>Creates the collator; <paramref name="padTokenId"/> fills padding (GPT-2 has none: any id works, it is masked).</summary>
    public CausalLanguageModelCollator(int padTokenId) => _padId = padTokenId;

    /// <summary>Pads and shifts: target[t] = ids[t+1] where position t+1 is real; -100 elsewhere.</summary>
    /// <exception cref="ArgumentException">No examples.</exception>
    public LanguageModelBatch Collate(IReadOnlyList<TokenBlock> examples, BatchContext context)
    {
        var (ids, mask, length) = MaskedLanguageModelCollator.Pad(examples, _padId);
        var targets = new int[ids.Length];
        for (int r = 0; r < examples.Count; r++)
        {
            int o = r * length;
            for (int t = 0; t < length; t++)
                targets[o + t] = t + 1 < length && mask[o + t + 1] != 0 ? ids[o + t + 1] : LanguageModelBatch.IgnoreTarget;
        }
        return new LanguageModelBatch(examples.Count, length, ids, mask, targets);
    }
}
