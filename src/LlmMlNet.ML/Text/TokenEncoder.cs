// Encodes (text, optional pair) rows with a tokenizer into truncated token rows, for the tokenization
// columns of TokenizeForTransformer (which pad them to a fixed length). No model code here: the transformers
// that run a model tokenize through the Tasks API.
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
}
