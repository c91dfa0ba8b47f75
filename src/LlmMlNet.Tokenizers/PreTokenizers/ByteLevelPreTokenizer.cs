// GPT-2's byte-level pre-tokenizer: optional prefix space, then GPT-2's split pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// as a hand-written scanner (same alternation order and backtracking). The byte mapping itself is done
// by the BPE model, which reads the words' characters directly; this file does no byte work.
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers.PreTokenizers;

/// <summary>Hugging Face's <c>ByteLevel</c> pre-tokenizer (with <c>use_regex</c>).</summary>
internal sealed class ByteLevelPreTokenizer : PreTokenizer
{
    /// <summary>Creates the pre-tokenizer.</summary>
    public ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex = true)
    {
        AddPrefixSpace = addPrefixSpace;
        UseRegex = useRegex;
    }

    /// <summary>Prepend a space to every segment that does not start with one.</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>Split with GPT-2's pattern (otherwise the whole segment is one word).</summary>
    public bool UseRegex { get; }

    /// <inheritdoc />
    public override void Split(NormalizedText text, int start, int end, List<WordSpan> words)
    {
        if (end <= start) return;
        if (AddPrefixSpace && text.Chars[start] != ' ')
        {
            text = text.Slice(start, end).PrependSpace();
            (start, end) = (0, text.Length);
        }
        if (!UseRegex)
        {
            words.Add(new WordSpan(text, start, end));
            return;
        }
        var chars = text.Chars;
        for (int i = start; i < end;)
        {
            int next = MatchAt(chars, i, end);
            words.Add(new WordSpan(text, i, next));
            i = next;
        }
    }

    private enum Kind { Letter, Number, Space, Other }

    private static Kind KindAt(ReadOnlySpan<char> s, int i, out int length)
    {
        int cp = CharClass.CodePointAt(s, i, out length);
        if (CharClass.IsLetter(cp)) return Kind.Letter;
        if (CharClass.IsNumber(cp)) return Kind.Number;
        if (CharClass.IsWhiteSpace(cp)) return Kind.Space;
        return Kind.Other;
    }

    /// <summary>End of the pattern's match starting at <paramref name="i"/> (always past i).</summary>
    internal static int MatchAt(ReadOnlySpan<char> s, int i, int end)
    {
        if (s[i] == '\'' && i + 1 < end)
        {
            char a = s[i + 1];
            if (a is 's' or 't' or 'm' or 'd') return i + 2;
            if (i + 2 < end)
            {
                char b = s[i + 2];
                if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
            }
        }
        int p = i;
        if (s[i] == ' ' && i + 1 < end) p = i + 1;
        var kind = KindAt(s, p, out int length);
        if (p == i + 1 && kind == Kind.Space) { p = i; kind = Kind.Space; length = 1; }
        if (kind != Kind.Space)
        {
            int j = p + length;
            while (j < end)
            {
                var k = KindAt(s, j, out int l);
                if (k != kind) break;
                j += l;
            }
            return j;
        }
        // A whitespace run: \s+(?!\S) keeps the last whitespace for the next word when a non-space follows.
        int runEnd = i;
        int lastStart = i;
        while (runEnd < end)
        {
            if (KindAt(s, runEnd, out int l) != Kind.Space) break;
            lastStart = runEnd;
            runEnd += l;
        }
        if (runEnd == end || lastStart == i) return runEnd;
        return lastStart;
    }
}
