// Hugging Face's group_texts, streamed: tokenize each corpus line (with the tokenizer's special
// tokens, so BERT lines read [CLS] … [SEP]; a tokenizer that adds none, like GPT-2's, gets eos
// after each document), concatenate across lines and documents, and cut fixed-length blocks,
// dropping the short remainder. Memory holds one block plus one line. Not masking or batching.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Transformers.Training;

/// <summary>Packs a streamed corpus into fixed-length <see cref="TokenBlock"/>s.</summary>
public static class BlockPacker
{
    /// <summary>
    /// Yields blocks of exactly <paramref name="blockSize"/> tokens from <paramref name="lines"/>,
    /// lazily; enumerating again re-reads the source. Word-continuation flags come from the
    /// tokenizer's word ids (a token continues a word when it shares the previous token's word id).
    /// </summary>
    /// <param name="lines">Corpus lines, e.g. a <see cref="TextCorpusReader"/>.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="blockSize">Tokens per block.</param>
    /// <exception cref="ArgumentException"><paramref name="blockSize"/> is below 2.</exception>
    /// <exception cref="InvalidOperationException">The tokenizer adds no special tokens and has no eos token to separate documents.</exception>
    public static IEnumerable<TokenBlock> Pack(IEnumerable<CorpusLine> lines, Tokenizer tokenizer, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (blockSize < 2) throw new ArgumentException($"blockSize must be >= 2, got {blockSize}.", nameof(blockSize));
        int? separator = null;
        if (tokenizer.SpecialTokenCount() == 0)
            separator = tokenizer.EosTokenId ?? throw new InvalidOperationException(
                "The tokenizer adds no special tokens and has no eos token; documents could not be separated when packing.");
        return Iterate(lines, tokenizer, blockSize, separator);
    }

    /// <summary>Packs plain texts, each one a document.</summary>
    public static IEnumerable<TokenBlock> Pack(IEnumerable<string> documents, Tokenizer tokenizer, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return Pack(documents.Select((text, i) => new CorpusLine(text, i, true, 0, i + 1, default)), tokenizer, blockSize);
    }

    /// <summary>
    /// Hugging Face run_mlm's <c>--line_by_line</c>: one block per corpus line (with the tokenizer's special tokens),
    /// truncated to <paramref name="blockSize"/> tokens and never joined with other lines; the collator pads each batch
    /// to its longest block. Lazily; enumerating again re-reads the source.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="blockSize"/> is below 2.</exception>
    public static IEnumerable<TokenBlock> PackLines(IEnumerable<CorpusLine> lines, Tokenizer tokenizer, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (blockSize < 2) throw new ArgumentException($"blockSize must be >= 2, got {blockSize}.", nameof(blockSize));
        return IterateLines(lines, tokenizer, new EncodeOptions { Truncation = new TruncationOptions { MaxLength = blockSize, MaxWindows = 1 } });
    }

    private static IEnumerable<TokenBlock> IterateLines(IEnumerable<CorpusLine> lines, Tokenizer tokenizer, EncodeOptions options)
    {
        foreach (var line in lines)
        {
            var encoding = tokenizer.Encode(line.Text, options);
            if (encoding.Length == 0) continue;
            var continues = new bool[encoding.Length];
            for (int i = 1; i < continues.Length; i++) continues[i] = encoding.WordIds[i] is { } w && encoding.WordIds[i - 1] == w;
            yield return new TokenBlock(encoding.Ids.ToArray(), continues);
        }
    }

    private static IEnumerable<TokenBlock> Iterate(IEnumerable<CorpusLine> lines, Tokenizer tokenizer, int blockSize, int? separator)
    {
        var ids = new List<int>(blockSize * 2);
        var continues = new List<bool>(blockSize * 2);
        bool first = true;
        foreach (var line in lines)
        {
            if (separator is { } sep && line.StartsDocument && !first)
            {
                ids.Add(sep);
                continues.Add(false);
            }
            first = false;
            var encoding = tokenizer.Encode(line.Text);
            for (int i = 0; i < encoding.Length; i++)
            {
                ids.Add(encoding.Ids[i]);
                continues.Add(i > 0 && encoding.WordIds[i] is { } w && encoding.WordIds[i - 1] == w);
            }
            while (ids.Count >= blockSize)
            {
                yield return new TokenBlock(ids.GetRange(0, blockSize).ToArray(), continues.GetRange(0, blockSize).ToArray());
                ids.RemoveRange(0, blockSize);
                continues.RemoveRange(0, blockSize);
            }
        }
    }
}
