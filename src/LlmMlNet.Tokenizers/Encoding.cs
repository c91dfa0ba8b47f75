// The result of encoding one input (or one pair): parallel per-token arrays, as Hugging Face's Encoding,
// plus the overflowing windows produced by truncation with a stride. Immutable once built; it knows
// nothing of how it was made.
namespace LlmMlNet.Tokenizers;

/// <summary>
/// One encoded input: ids, tokens, segment (type) ids, attention and special-token masks, offsets into
/// the caller's original string(s), word and sequence indices, and the overflowing windows.
/// </summary>
public sealed class Encoding
{
    internal Encoding(int[] ids, string[] tokens, int[] typeIds, int[] attentionMask, int[] specialTokensMask,
        (int Start, int End)[] offsets, int?[] wordIds, int?[] sequenceIds, IReadOnlyList<Encoding> overflowing)
    {
        Ids = ids;
        Tokens = tokens;
        TypeIds = typeIds;
        AttentionMask = attentionMask;
        SpecialTokensMask = specialTokensMask;
        Offsets = offsets;
        WordIds = wordIds;
        SequenceIds = sequenceIds;
        Overflowing = overflowing;
    }

    /// <summary>Token ids, special and padding tokens included.</summary>
    public IReadOnlyList<int> Ids { get; }

    /// <summary>Token strings (BERT <c>##</c> pieces; byte-level symbols such as <c>Ġ</c> for GPT-2/RoBERTa).</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Segment ids (<c>token_type_ids</c>).</summary>
    public IReadOnlyList<int> TypeIds { get; }

    /// <summary>1 for real tokens, 0 for padding.</summary>
    public IReadOnlyList<int> AttentionMask { get; }

    /// <summary>1 for tokens the post-processor or padding added ([CLS], [SEP], &lt;s&gt;, padding), else 0.
    /// Special tokens typed in the text are matched as tokens but count as 0, as in Hugging Face.</summary>
    public IReadOnlyList<int> SpecialTokensMask { get; }

    /// <summary>
    /// Per token, [Start, End) in UTF-16 units of the string it came from: the first text for sequence 0, the
    /// pair text for sequence 1 (not shifted). Added special tokens and padding have (0, 0).
    /// </summary>
    public IReadOnlyList<(int Start, int End)> Offsets { get; }

    /// <summary>Per token, the index of the pre-tokenized word it belongs to within its sequence; null for added special tokens and padding.</summary>
    public IReadOnlyList<int?> WordIds { get; }

    /// <summary>Per token, 0 (first text), 1 (pair text) or null (added special token, padding).</summary>
    public IReadOnlyList<int?> SequenceIds { get; }

    /// <summary>The further windows when truncation cut the input (with its stride), in Hugging Face's order.</summary>
    public IReadOnlyList<Encoding> Overflowing { get; }

    /// <summary>Number of tokens.</summary>
    public int Length => Ids.Count;

    /// <summary>The token index whose range covers the UTF-16 position <paramref name="charIndex"/> of sequence <paramref name="sequence"/>, or -1.</summary>
    public int CharToToken(int charIndex, int sequence = 0)
    {
        for (int i = 0; i < Ids.Count; i++)
            if (SequenceIds[i] == sequence && Offsets[i].Start <= charIndex && charIndex < Offsets[i].End) return i;
        return -1;
    }

    internal Encoding WithPadding(int length, int padId, string padToken, int padTypeId, bool left)
    {
        var overflowing = Overflowing.Select(o => o.WithPadding(length, padId, padToken, padTypeId, left)).ToArray();
        int n = Ids.Count, extra = length - n;
        if (extra <= 0) return new Encoding((int[])Ids, (string[])Tokens, (int[])TypeIds, (int[])AttentionMask, (int[])SpecialTokensMask,
            ((int, int)[])Offsets, (int?[])WordIds, (int?[])SequenceIds, overflowing);
        int at = left ? extra : 0;
        T[] Pad<T>(IReadOnlyList<T> source, T fill)
        {
            var result = new T[length];
            Array.Fill(result, fill);
            ((T[])source).CopyTo(result, at);
            return result;
        }
        return new Encoding(Pad(Ids, padId), Pad(Tokens, padToken), Pad(TypeIds, padTypeId), Pad(AttentionMask, 0),
            Pad(SpecialTokensMask, 1), Pad(Offsets, (0, 0)), Pad(WordIds, null), Pad(SequenceIds, null), overflowing);
    }
}
