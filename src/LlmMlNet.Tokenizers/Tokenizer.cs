// The tokenizer: runs normalizer → pre-tokenizer → model on each input (around added tokens), then
// truncation windows, the post-processor and padding, and decodes ids back to text. Loading and
// saving live in TokenizerLoader / TokenizerWriter; the stages live in their folders.
using LlmMlNet.Tokenizers.Decoders;
using LlmMlNet.Tokenizers.Models;
using LlmMlNet.Tokenizers.Normalizers;
using LlmMlNet.Tokenizers.PostProcessors;
using LlmMlNet.Tokenizers.PreTokenizers;
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers;

/// <summary>The kind of model behind a tokenizer.</summary>
public enum TokenizerKind
{
    /// <summary>WordPiece (BERT, DistilBERT).</summary>
    WordPiece,
    /// <summary>Byte-level BPE (GPT-2, RoBERTa).</summary>
    ByteLevelBpe,
}

/// <summary>
/// A Hugging Face-compatible tokenizer (WordPiece or byte-level BPE). Thread-safe: one instance may
/// encode from many threads; cache and reuse instances. Load with <see cref="Load"/>,
/// <see cref="FromFile"/> or <see cref="FromFolder"/>, or build with <see cref="CreateWordPiece"/> /
/// <see cref="CreateByteLevelBpe"/>.
/// </summary>
public sealed partial class Tokenizer
{
    internal Tokenizer(TextNormalizer? normalizer, PreTokenizer? preTokenizer, TokenizerModel model, PostProcessor postProcessor,
        TokenDecoder decoder, IReadOnlyList<AddedToken> addedTokens, SpecialTokenNames? names, int? modelMaxLength)
    {
        Normalizer = normalizer;
        PreTokenizer = preTokenizer;
        Model = model;
        PostProcessor = postProcessor;
        Decoder = decoder;
        AddedVocabulary = new AddedVocabulary(addedTokens, normalizer);
        string? unk = model is WordPieceModel wp ? wp.UnkToken : null;
        var guessed = SpecialTokenNames.Guess(t => TokenToId(t) is not null, unk);
        SpecialTokens = names is null ? guessed : guessed.OverriddenBy(names);
        ModelMaxLength = modelMaxLength;
        int maxAddedId = addedTokens.Count == 0 ? -1 : addedTokens.Max(t => t.Id);
        VocabularySize = Math.Max(model.Vocabulary.Count, maxAddedId + 1);
    }

    internal TextNormalizer? Normalizer { get; }
    internal PreTokenizer? PreTokenizer { get; }
    internal TokenizerModel Model { get; }
    internal PostProcessor PostProcessor { get; }
    internal TokenDecoder Decoder { get; }
    internal AddedVocabulary AddedVocabulary { get; }

    /// <summary>WordPiece or byte-level BPE.</summary>
    public TokenizerKind Kind => Model is WordPieceModel ? TokenizerKind.WordPiece : TokenizerKind.ByteLevelBpe;

    /// <summary>Size of the id space (model vocabulary and added tokens): the embedding rows a model needs.</summary>
    public int VocabularySize { get; }

    /// <summary>The special-token roles (pad, cls, sep, mask, unk, bos, eos).</summary>
    public SpecialTokenNames SpecialTokens { get; }

    /// <summary>The added tokens (special tokens matched whole in text).</summary>
    public IReadOnlyList<AddedToken> AddedTokens => AddedVocabulary.Tokens;

    /// <summary>Maximum input length of the model (tokenizer_config's <c>model_max_length</c>), or null when unknown.</summary>
    public int? ModelMaxLength { get; }

    /// <summary>Id of the padding token, or null.</summary>
    public int? PadTokenId => IdOf(SpecialTokens.Pad);
    /// <summary>Id of the classification token, or null.</summary>
    public int? ClsTokenId => IdOf(SpecialTokens.Cls);
    /// <summary>Id of the separator token, or null.</summary>
    public int? SepTokenId => IdOf(SpecialTokens.Sep);
    /// <summary>Id of the mask token, or null.</summary>
    public int? MaskTokenId => IdOf(SpecialTokens.Mask);
    /// <summary>Id of the unknown token, or null.</summary>
    public int? UnkTokenId => IdOf(SpecialTokens.Unk);
    /// <summary>Id of the beginning-of-sequence token, or null.</summary>
    public int? BosTokenId => IdOf(SpecialTokens.Bos);
    /// <summary>Id of the end-of-sequence token, or null.</summary>
    public int? EosTokenId => IdOf(SpecialTokens.Eos);

    private int? IdOf(string? token) => token is null ? null : TokenToId(token);

    /// <summary>The id of a token (added tokens first, then the model vocabulary), or null.</summary>
    public int? TokenToId(string token) => AddedVocabulary.ByContent(token)?.Id ?? Model.TokenToId(token);

    /// <summary>The token of an id (added tokens first, then the model vocabulary), or null.</summary>
    public string? IdToToken(int id) => AddedVocabulary.ById(id)?.Content ?? Model.IdToToken(id);

    /// <summary>Number of special tokens the post-processor adds to one sequence (<paramref name="pair"/>: to a pair).</summary>
    public int SpecialTokenCount(bool pair = false) => PostProcessor.AddedTokenCount(pair);

    /// <summary>Encodes one text (defaults: special tokens added, no truncation, no padding).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">Truncation settings that cannot be met (see <see cref="TruncationOptions"/>).</exception>
    public Encoding Encode(string text, EncodeOptions? options = null) => Encode(text, null, options);

    /// <summary>Encodes a text and an optional pair text (offsets of pair tokens index into <paramref name="textPair"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">Truncation settings that cannot be met.</exception>
    public Encoding Encode(string text, string? textPair, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= EncodeOptions.Default;
        var encoding = EncodeUnpadded(text, textPair, options);
        if (options.Padding is { } padding)
            encoding = Pad(encoding, PaddedLength(padding, encoding.Length), padding);
        return encoding;
    }

    /// <summary>Encodes many texts in parallel; padding "to longest" uses the longest of the batch.</summary>
    public IReadOnlyList<Encoding> EncodeBatch(IReadOnlyList<string> texts, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EncodeBatch(texts.Select(t => (t, (string?)null)).ToArray(), options);
    }

    /// <summary>Encodes many (text, pair) inputs in parallel; results are in input order and identical to one-by-one encoding.</summary>
    /// <exception cref="ArgumentException">An input text is null (the message gives its index) or truncation cannot be met.</exception>
    public IReadOnlyList<Encoding> EncodeBatch(IReadOnlyList<(string Text, string? TextPair)> inputs, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= EncodeOptions.Default;
        for (int i = 0; i < inputs.Count; i++)
            if (inputs[i].Text is null) throw new ArgumentException($"Input {i} has a null text.", nameof(inputs));
        var results = new Encoding[inputs.Count];
        Parallel.For(0, inputs.Count, i => results[i] = EncodeUnpadded(inputs[i].Text, inputs[i].TextPair, options));
        if (options.Padding is { } padding && results.Length > 0)
        {
            int length = PaddedLength(padding, results.Max(e => e.Length));
            for (int i = 0; i < results.Length; i++) results[i] = Pad(results[i], length, padding);
        }
        return results;
    }

    /// <summary>The ids of <paramref name="text"/> (with the post-processor's special tokens unless told otherwise).</summary>
    public IReadOnlyList<int> EncodeToIds(string text, bool addSpecialTokens = true) =>
        Encode(text, new EncodeOptions { AddSpecialTokens = addSpecialTokens }).Ids;

    /// <summary>The tokens of <paramref name="text"/> with ids and original offsets.</summary>
    public IReadOnlyList<EncodedToken> EncodeToTokens(string text, bool addSpecialTokens = true)
    {
        var encoding = Encode(text, new EncodeOptions { AddSpecialTokens = addSpecialTokens });
        var tokens = new EncodedToken[encoding.Length];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = new EncodedToken(encoding.Ids[i], encoding.Tokens[i], encoding.Offsets[i]);
        return tokens;
    }

    /// <summary>Number of tokens <paramref name="text"/> encodes to.</summary>
    public int CountTokens(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        int count = EncodeSequence(text).Count;
        return addSpecialTokens ? count + PostProcessor.AddedTokenCount(false) : count;
    }

    /// <summary>
    /// Text of <paramref name="ids"/> through the decoder (WordPiece joining or byte-level decoding).
    /// Unknown ids are skipped; special added tokens too when <paramref name="skipSpecialTokens"/>.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            var added = AddedVocabulary.ById(id);
            if (added is not null)
            {
                if (!(skipSpecialTokens && added.Special)) tokens.Add(added.Content);
                continue;
            }
            if (Model.IdToToken(id) is { } token) tokens.Add(token);
        }
        return Decoder.Decode(tokens);
    }

    private Encoding EncodeUnpadded(string text, string? textPair, EncodeOptions options)
    {
        // With a window limit only a prefix of a truncated sequence can matter: encode no further than the windows reach.
        // (A sequence the strategy never truncates keeps its full length, which the other's share depends on.)
        int? reach = options.Truncation is { MaxWindows: int windows, Direction: Side.Right } t ? checked(t.MaxLength * Math.Max(windows, 1)) : null;
        var strategy = options.Truncation?.Strategy;
        var first = reach is int r1 && strategy != TruncationStrategy.OnlySecond ? EncodeSequencePrefix(text, r1) : EncodeSequence(text);
        var second = textPair is null ? null
            : reach is int r2 && strategy != TruncationStrategy.OnlyFirst ? EncodeSequencePrefix(textPair, r2) : EncodeSequence(textPair);
        bool pair = second is not null;
        List<TokenWindow> firstWindows, secondWindows;
        if (options.Truncation is { } truncation)
        {
            int specials = options.AddSpecialTokens ? PostProcessor.AddedTokenCount(pair) : 0;
            if (truncation.MaxLength < specials)
                throw new ArgumentException($"Truncation max length {truncation.MaxLength} is less than the {specials} special tokens the post-processor adds.", nameof(options));
            var (keepFirst, keepSecond) = Truncation.Lengths(first.Count, second?.Count, truncation.MaxLength - specials, truncation.Strategy);
            if (truncation.MaxWindows is < 1) throw new ArgumentException($"Truncation MaxWindows must be at least 1, got {truncation.MaxWindows}.", nameof(options));
            int limit = truncation.MaxWindows ?? int.MaxValue;
            firstWindows = Truncation.Windows(first, keepFirst, truncation.Stride, truncation.Direction, limit);
            secondWindows = pair ? Truncation.Windows(second!, keepSecond, truncation.Stride, truncation.Direction, limit) : [];
        }
        else
        {
            firstWindows = [new TokenWindow(first, 0, first.Count)];
            secondWindows = pair ? [new TokenWindow(second!, 0, second!.Count)] : [];
        }
        bool special = options.AddSpecialTokens;
        if (!pair)
        {
            var overflow = firstWindows.Skip(1).Select(w => PostProcessor.Apply(w, null, special, [])).ToArray();
            return PostProcessor.Apply(firstWindows[0], null, special, overflow);
        }
        // Hugging Face's Encoding::merge_with order: each overflowing first window with every second
        // window, then the kept first window with each overflowing second window.
        var overflowing = new List<Encoding>();
        foreach (var a in firstWindows.Skip(1))
            foreach (var b in secondWindows)
                overflowing.Add(PostProcessor.Apply(a, b, special, []));
        foreach (var b in secondWindows.Skip(1))
            overflowing.Add(PostProcessor.Apply(firstWindows[0], b, special, []));
        return PostProcessor.Apply(firstWindows[0], secondWindows[0], special, overflowing);
    }

    private static int PaddedLength(PaddingOptions padding, int longest)
    {
        int length = padding.Length ?? longest;
        if (padding.PadToMultipleOf is int multiple && multiple > 0 && length % multiple != 0) length += multiple - length % multiple;
        return length;
    }

    private Encoding Pad(Encoding encoding, int length, PaddingOptions padding)
    {
        int padId = PadTokenId ?? throw new InvalidOperationException(
            "Padding needs a pad token and this tokenizer has none (name one in special_tokens_map.json, or do not pad).");
        return encoding.WithPadding(length, padId, SpecialTokens.Pad!, padding.PadTypeId, padding.Direction == Side.Left);
    }
}
