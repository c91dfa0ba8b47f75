// BERT's WordPiece model: greedy longest-match-first over the vocabulary with a continuation prefix
// ("##"), and one [UNK] for a word that cannot be covered or is over max_input_chars_per_word code
// points. Lookups go through span-keyed dictionaries, so tokenizing allocates no strings.
using LlmMlNet.Tokenizers.PreTokenizers;

namespace LlmMlNet.Tokenizers.Models;

/// <summary>Hugging Face's <c>WordPiece</c> model.</summary>
internal sealed class WordPieceModel : TokenizerModel
{
    private readonly string[] _idToToken;
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuationLookup;
    private readonly int _unkId;

    /// <summary>Creates the model from tokens in id order.</summary>
    /// <exception cref="ArgumentException">The vocabulary is empty, repeats a token, or lacks <paramref name="unkToken"/>.</exception>
    public WordPieceModel(IReadOnlyList<string> vocabulary, string unkToken = "[UNK]", string continuingSubwordPrefix = "##", int maxInputCharsPerWord = 100)
    {
        if (vocabulary.Count == 0) throw new ArgumentException("The WordPiece vocabulary is empty.", nameof(vocabulary));
        _idToToken = vocabulary.ToArray();
        _vocab = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        var continuation = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < _idToToken.Length; id++)
        {
            var token = _idToToken[id];
            if (!_vocab.TryAdd(token, id))
                throw new ArgumentException($"The WordPiece vocabulary repeats the token '{token}' (ids {_vocab[token]} and {id}).", nameof(vocabulary));
            if (continuingSubwordPrefix.Length > 0 && token.Length > continuingSubwordPrefix.Length && token.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal))
                continuation.TryAdd(token[continuingSubwordPrefix.Length..], id);
        }
        if (!_vocab.TryGetValue(unkToken, out _unkId))
            throw new ArgumentException($"The WordPiece vocabulary has no unknown token '{unkToken}'.", nameof(unkToken));
        _lookup = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuationLookup = continuation.GetAlternateLookup<ReadOnlySpan<char>>();
        UnkToken = unkToken;
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        MaxInputCharsPerWord = maxInputCharsPerWord;
    }

    /// <summary>The unknown token.</summary>
    public string UnkToken { get; }
    /// <summary>Prefix of non-initial pieces ("##").</summary>
    public string ContinuingSubwordPrefix { get; }
    /// <summary>Words longer than this (in code points) become one unknown token.</summary>
    public int MaxInputCharsPerWord { get; }

    /// <inheritdoc />
    public override int VocabularySize => _idToToken.Length;
    /// <inheritdoc />
    public override IReadOnlyList<string> Vocabulary => _idToToken;
    /// <inheritdoc />
    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;
    /// <inheritdoc />
    public override string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <inheritdoc />
    public override void Tokenize(WordSpan word, int wordIndex, ITokenSink sink)
    {
        var text = word.Text;
        var chars = text.Chars;
        int codePoints = 0;
        for (int i = word.Start; i < word.End; i++)
            if (!char.IsLowSurrogate(chars[i]) || i == word.Start || !char.IsHighSurrogate(chars[i - 1])) codePoints++;
        if (codePoints > MaxInputCharsPerWord)
        {
            AddUnknown(word, wordIndex, sink);
            return;
        }
        // Pieces are found first and emitted only when the whole word is covered (else one [UNK]).
        Span<int> found = word.End - word.Start <= 128 ? stackalloc int[2 * (word.End - word.Start)] : new int[2 * (word.End - word.Start)];
        int pieces = 0;
        for (int start = word.Start; start < word.End;)
        {
            int end = word.End, id = -1;
            while (start < end)
            {
                var piece = chars[start..end];
                bool hit = start == word.Start ? _lookup.TryGetValue(piece, out id) : _continuationLookup.TryGetValue(piece, out id);
                if (hit) break;
                id = -1;
                end -= end - 2 >= start && char.IsLowSurrogate(chars[end - 1]) && char.IsHighSurrogate(chars[end - 2]) ? 2 : 1;
            }
            if (id < 0)
            {
                AddUnknown(word, wordIndex, sink);
                return;
            }
            found[2 * pieces] = id;
            found[2 * pieces + 1] = end;
            pieces++;
            start = end;
        }
        int from = word.Start;
        for (int p = 0; p < pieces; p++)
        {
            int to = found[2 * p + 1];
            var (s, e) = text.OriginalRange(from, to);
            sink.Add(found[2 * p], _idToToken[found[2 * p]], s, e, wordIndex);
            from = to;
        }
    }

    private void AddUnknown(WordSpan word, int wordIndex, ITokenSink sink)
    {
        var (s, e) = word.Text.OriginalRange(word.Start, word.End);
        sink.Add(_unkId, UnkToken, s, e, wordIndex);
    }
}
