// Encodes (text, optional pair) rows with a tokenizer into truncated token rows and packs them into
// padded rectangles: fixed length for the tokenization columns, longest-in-batch for model inference.
// Shared by every component that feeds text to a model; no model code here.
using LlmMlNet.Tokenizers;

namespace LlmMlNet.ML.Text;

/// <summary>One encoded row before padding: ids, type ids and character offsets (into its own text) of each token.</summary>
internal sealed record TokenRow(int[] Ids, int[] TypeIds, (int Start, int End)[] Offsets, int?[] SequenceIds);

internal sealed class TokenEncoder(Tokenizer tokenizer, int maxSequenceLength, bool addSpecialTokens = true)
{
    public Tokenizer Tokenizer { get; } = tokenizer;

    public int MaxSequenceLength { get; } = maxSequenceLength;

    /// <summary>The id padding uses: the pad token, else end-of-sequence, else 0 (masked out either way).</summary>
    public int PadId { get; } = tokenizer.PadTokenId ?? tokenizer.EosTokenId ?? 0;

    /// <summary>Encodes every row (in parallel), truncating each to the maximum length.</summary>
    public TokenRow[] Encode(IReadOnlyList<(string Text, string? Pair)> rows)
    {
        var options = new EncodeOptions
        {
            AddSpecialTokens = addSpecialTokens,
            Truncation = new TruncationOptions { MaxLength = MaxSequenceLength, MaxWindows = 1 },
        };
        var encodings = Tokenizer.EncodeBatch(rows, options);
        return encodings.Select(e => new TokenRow(e.Ids.ToArray(), e.TypeIds.ToArray(), e.Offsets.ToArray(), e.SequenceIds.ToArray())).ToArray();
    }

    /// <summary>Row-major [rows, length] ids, mask and type ids, right-padded to <paramref name="length"/>.</summary>
    public (int[] Ids, int[] Mask, int[] Types) Pack(IReadOnlyList<TokenRow> rows, int length)
    {
        var ids = new int[rows.Count * length];
        var mask = new int[ids.Length];
        var types = new int[ids.Length];
        Array.Fill(ids, PadId);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            int n = Math.Min(row.Ids.Length, length);
            row.Ids.AsSpan(0, n).CopyTo(ids.AsSpan(r * length));
            row.TypeIds.AsSpan(0, n).CopyTo(types.AsSpan(r * length));
            mask.AsSpan(r * length, n).Fill(1);
        }
        return (ids, mask, types);
    }

    /// <summary>The longest row of the batch (at least 1), for longest-in-batch padding.</summary>
    public static int Longest(IReadOnlyList<TokenRow> rows) => Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Ids.Length));
}
