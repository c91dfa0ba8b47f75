// Finds added tokens in text, as Hugging Face's AddedVocabulary does: leftmost-longest matches, the
// single_word / lstrip / rstrip rules, one pass on the original text (normalized: false tokens) and
// one on normalized text (normalized: true tokens, whose contents are normalized first). It assigns no
// offsets; the encoder maps match ranges back through the alignment.
using System.Buffers;
using LlmMlNet.Tokenizers.Normalizers;
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers;

/// <summary>The added tokens of a tokenizer and their matcher.</summary>
internal sealed class AddedVocabulary
{
    private readonly Matcher _original;
    private readonly Matcher _normalized;
    private readonly Dictionary<int, AddedToken> _byId = new();
    private readonly Dictionary<string, AddedToken> _byContent = new(StringComparer.Ordinal);

    /// <summary>Builds the matchers; normalized tokens are matched by their normalized content.</summary>
    public AddedVocabulary(IReadOnlyList<AddedToken> tokens, TextNormalizer? normalizer)
    {
        Tokens = tokens;
        foreach (var token in tokens)
        {
            _byId[token.Id] = token;
            _byContent.TryAdd(token.Content, token);
        }
        _original = new Matcher(tokens.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        _normalized = new Matcher(tokens.Where(t => t.Normalized).Select(t => (normalizer?.NormalizeString(t.Content) ?? t.Content, t)));
    }

    /// <summary>The tokens, as given.</summary>
    public IReadOnlyList<AddedToken> Tokens { get; }

    /// <summary>The added token with this id, or null.</summary>
    public AddedToken? ById(int id) => _byId.GetValueOrDefault(id);

    /// <summary>The added token with this content, or null.</summary>
    public AddedToken? ByContent(string content) => _byContent.GetValueOrDefault(content);

    /// <summary>Matches of non-normalized tokens in the original text.</summary>
    public void FindInOriginal(ReadOnlySpan<char> text, int start, int end, List<(int Start, int End, AddedToken? Token)> pieces)
        => _original.Split(text, start, end, pieces);

    /// <summary>Matches of normalized tokens in normalized text.</summary>
    public void FindInNormalized(ReadOnlySpan<char> text, int start, int end, List<(int Start, int End, AddedToken? Token)> pieces)
        => _normalized.Split(text, start, end, pieces);

    /// <summary>Leftmost-longest matcher over a small token set, indexed by first character.</summary>
    private sealed class Matcher
    {
        private readonly Dictionary<char, (string Pattern, AddedToken Token)[]> _byFirst;
        private readonly SearchValues<char> _firstChars;

        public Matcher(IEnumerable<(string Pattern, AddedToken Token)> patterns)
        {
            _byFirst = patterns.Where(p => p.Pattern.Length > 0)
                .GroupBy(p => p.Pattern[0])
                .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Pattern.Length).ToArray());
            _firstChars = SearchValues.Create(_byFirst.Keys.ToArray());
        }

        /// <summary>Cuts [start, end) into unmatched pieces (Token null) and matches, in order; no empty pieces.</summary>
        public void Split(ReadOnlySpan<char> s, int start, int end, List<(int Start, int End, AddedToken? Token)> pieces)
        {
            int pieceStart = start;
            if (_byFirst.Count > 0)
            {
                int i = start;
                while (i < end)
                {
                    // Jump (vectorized) to the next character that can start a token.
                    int skip = s[i..end].IndexOfAny(_firstChars);
                    if (skip < 0) break;
                    i += skip;
                    var candidates = _byFirst[s[i]];
                    (string Pattern, AddedToken Token)? hit = null;
                    foreach (var c in candidates)
                        if (c.Pattern.Length <= end - i && s.Slice(i, c.Pattern.Length).SequenceEqual(c.Pattern)) { hit = c; break; }
                    if (hit is not { } match) { i++; continue; }
                    int mStart = i, mEnd = i + match.Pattern.Length;
                    i = mEnd;
                    var token = match.Token;
                    if (token.SingleWord && ((mStart > start && EndsWithWord(s, start, mStart)) || (mEnd < end && StartsWithWord(s, mEnd, end)))) continue;
                    if (token.LStrip)
                        while (mStart > pieceStart && CharClass.IsWhiteSpace(s[mStart - 1])) mStart--;
                    if (token.RStrip)
                        while (mEnd < end && CharClass.IsWhiteSpace(s[mEnd])) mEnd++;
                    if (mStart > pieceStart) pieces.Add((pieceStart, mStart, null));
                    pieces.Add((mStart, mEnd, token));
                    pieceStart = mEnd;
                    i = mEnd;
                }
            }
            if (end > pieceStart) pieces.Add((pieceStart, end, null));
        }

        private static bool EndsWithWord(ReadOnlySpan<char> s, int start, int at)
        {
            int i = at - 1;
            if (i > start && char.IsLowSurrogate(s[i]) && char.IsHighSurrogate(s[i - 1])) i--;
            return CharClass.IsWordChar(CharClass.CodePointAt(s, i, out _));
        }

        private static bool StartsWithWord(ReadOnlySpan<char> s, int at, int end) =>
            CharClass.IsWordChar(CharClass.CodePointAt(s[..end], at, out _));
    }
}
