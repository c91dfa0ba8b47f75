// Our Hugging Face-identical tokenizer behind Microsoft.ML.Tokenizers' abstract Tokenizer: ids, tokens with
// offsets, counts, index-by-count and decoding all come from LlmMlNet.Tokenizers.Tokenizer. This file is the
// mapping between the two contracts only; it holds no normalizing, splitting or vocabulary logic.
using System.Buffers;
using Microsoft.ML.Tokenizers;
using HfTokenizer = LlmMlNet.Tokenizers.Tokenizer;
using MlEncodedToken = Microsoft.ML.Tokenizers.EncodedToken;

namespace LlmMlNet.Tokenizers.MLTokenizers;

/// <summary>
/// A <see cref="LlmMlNet.Tokenizers.Tokenizer"/> (WordPiece or byte-level BPE, identical to Hugging Face's
/// <c>tokenizers</c>) exposed as a <see cref="Microsoft.ML.Tokenizers.Tokenizer"/>, so code written against that
/// abstraction (token counting, chunking by token budget, text splitters) gets Hugging Face's tokens.
/// </summary>
/// <remarks>
/// <para>Offsets and every index this class returns refer to the <em>original</em> text (our tokenizer maps
/// normalized positions back), so the <c>normalizedText</c> results are always <see langword="null"/> and a
/// chunk is simply <c>text[..index]</c>.</para>
/// <para>Normalization and pre-tokenization are part of the Hugging Face pipeline and always applied:
/// <see cref="EncodeSettings.ConsiderNormalization"/> and <see cref="EncodeSettings.ConsiderPreTokenization"/>
/// are ignored (switching them off would give tokens the model never saw).</para>
/// <para>A token budget (<c>maxTokenCount</c>) never cuts inside a word: the cut falls between two words
/// (pre-tokens), so that <c>text[..index]</c> encodes to exactly the tokens counted, as Microsoft.ML.Tokenizers'
/// own tokenizers do. Thread-safe like the wrapped tokenizer.</para>
/// </remarks>
public sealed class HuggingFaceTokenizer : Microsoft.ML.Tokenizers.Tokenizer
{
    /// <summary>Wraps <paramref name="tokenizer"/>.</summary>
    /// <param name="tokenizer">The tokenizer that does the work.</param>
    /// <param name="addSpecialTokens">Whether encodings include the post-processor's special tokens ([CLS]/[SEP],
    /// &lt;s&gt;/&lt;/s&gt;) and counts and budgets include them; default false (text tokens only, what token
    /// counting and chunking want).</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is null.</exception>
    public HuggingFaceTokenizer(HfTokenizer tokenizer, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Inner = tokenizer;
        AddSpecialTokens = addSpecialTokens;
    }

    /// <summary>
    /// Loads a Hugging Face tokenizer (a tokenizer.json file or a folder with tokenizer.json, or vocab.txt, or
    /// vocab.json + merges.txt) and wraps it; see <see cref="HfTokenizer.Load"/> for the files and exceptions.
    /// </summary>
    /// <param name="path">File or folder.</param>
    /// <param name="addSpecialTokens">See the constructor; default false.</param>
    public static HuggingFaceTokenizer Load(string path, bool addSpecialTokens = false) => new(HfTokenizer.Load(path), addSpecialTokens);

    /// <summary>The wrapped tokenizer (pairs, truncation, padding and type ids are there).</summary>
    public HfTokenizer Inner { get; }

    /// <summary>Whether encodings, counts and budgets include the special tokens (set at construction; default false).</summary>
    public bool AddSpecialTokens { get; }

    private int SpecialCount => AddSpecialTokens ? Inner.SpecialTokenCount() : 0;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EncodeSettings.MaxTokenCount"/> is not positive.</exception>
    protected override EncodeResults<MlEncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        string input = text ?? textSpan.ToString();
        var (budgetFits, index) = CutForBudget(input, settings.MaxTokenCount);
        if (!budgetFits) return new EncodeResults<MlEncodedToken> { Tokens = [], CharsConsumed = 0 };
        var encoding = Inner.Encode(input[..index], new EncodeOptions { AddSpecialTokens = AddSpecialTokens });
        var tokens = new MlEncodedToken[encoding.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            var (start, end) = encoding.Offsets[i];
            tokens[i] = new MlEncodedToken(encoding.Ids[i], encoding.Tokens[i], new Range(start, end));
        }
        return new EncodeResults<MlEncodedToken> { Tokens = tokens, CharsConsumed = index };
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EncodeSettings.MaxTokenCount"/> is not positive.</exception>
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        string input = text ?? textSpan.ToString();
        var (budgetFits, index) = CutForBudget(input, settings.MaxTokenCount);
        if (!budgetFits) return new EncodeResults<int> { Tokens = [], CharsConsumed = 0 };
        return new EncodeResults<int> { Tokens = Inner.EncodeToIds(input[..index], AddSpecialTokens), CharsConsumed = index };
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EncodeSettings.MaxTokenCount"/> is not positive.</exception>
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        string input = text ?? textSpan.ToString();
        int max = CheckedMax(settings.MaxTokenCount);
        int total = Inner.CountTokens(input, AddSpecialTokens);
        if (total <= max) return total;
        return IndexByTokenCount(input, max, fromEnd: false).TokenCount;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EncodeSettings.MaxTokenCount"/> is not positive.</exception>
    protected override int GetIndexByTokenCount(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings, bool fromEnd,
        out string? normalizedText, out int tokenCount)
    {
        string input = text ?? textSpan.ToString();
        normalizedText = null;
        (tokenCount, int index) = IndexByTokenCount(input, CheckedMax(settings.MaxTokenCount), fromEnd);
        return index;
    }

    /// <summary>The text of <paramref name="ids"/>, special tokens kept (Hugging Face's decoder).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    public override string Decode(IEnumerable<int> ids) => Inner.Decode(ids);

    /// <summary>The text of <paramref name="ids"/>, special tokens dropped when <paramref name="skipSpecialTokens"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens) => Inner.Decode(ids, skipSpecialTokens);

    /// <summary>
    /// Decodes into <paramref name="destination"/>. All or nothing: byte-level BPE tokens are not whole
    /// characters, so a partial decode is not offered; when the text does not fit, nothing is written and
    /// <see cref="OperationStatus.DestinationTooSmall"/> is returned with no ids consumed.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids as IReadOnlyCollection<int> ?? ids.ToList();
        string decoded = Inner.Decode(list);
        if (decoded.Length > destination.Length)
        {
            idsConsumed = 0;
            charsWritten = 0;
            return OperationStatus.DestinationTooSmall;
        }
        decoded.AsSpan().CopyTo(destination);
        idsConsumed = list.Count;
        charsWritten = decoded.Length;
        return OperationStatus.Done;
    }

    // Forward encoding under a budget: whether anything (the special tokens at least) fits, and the end of
    // the text kept.
    private (bool Fits, int Index) CutForBudget(string input, int maxTokenCount)
    {
        int max = CheckedMax(maxTokenCount);
        if (max < SpecialCount) return (false, 0);
        if (Inner.CountTokens(input, AddSpecialTokens) <= max) return (true, input.Length);
        return (true, IndexByTokenCount(input, max, fromEnd: false).Index);
    }

    // The token budget cut. Text tokens are counted without the special tokens, whose number comes off the
    // budget; a cut is allowed only between two words (different word indices, or an added token), so
    // the kept text re-encodes to exactly the counted tokens. From the end, the kept text starts where the
    // previous token ended, so a byte-level BPE word keeps its leading space (RoBERTa trims it from offsets).
    private (int TokenCount, int Index) IndexByTokenCount(string input, int max, bool fromEnd)
    {
        int specials = SpecialCount;
        if (max < specials) return (0, fromEnd ? input.Length : 0);
        var content = Inner.Encode(input, new EncodeOptions { AddSpecialTokens = false });
        int n = content.Length, budget = max - specials;
        if (n <= budget) return (n + specials, fromEnd ? 0 : input.Length);
        if (!fromEnd)
        {
            int keep = budget;
            while (keep > 0 && !CanCutBefore(content, keep)) keep--;
            return (keep + specials, keep == 0 ? 0 : content.Offsets[keep - 1].End);
        }
        int first = n - budget;
        while (first < n && !CanCutBefore(content, first)) first++;
        int index = first == n ? input.Length : content.Offsets[first - 1].End;
        return (n - first + specials, index);
    }

    private static bool CanCutBefore(Encoding encoding, int position)
    {
        int? before = encoding.WordIds[position - 1], after = encoding.WordIds[position];
        return before is null || after is null || before != after;
    }

    private static int CheckedMax(int maxTokenCount) => maxTokenCount > 0 ? maxTokenCount
        : throw new ArgumentOutOfRangeException(nameof(maxTokenCount), maxTokenCount, "The maximum number of tokens must be greater than zero.");
}
