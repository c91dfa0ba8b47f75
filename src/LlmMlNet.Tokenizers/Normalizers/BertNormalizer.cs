// BERT's normalizer (Hugging Face BertNormalizer): drop NUL, U+FFFD and control/format characters, map
// whitespace to ' ', surround CJK ideographs with spaces, strip accents (NFD then drop Mn), lowercase.
// One pass per code point; ASCII takes a table path. It does not split words (the pre-tokenizer does).
using System.Text;
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers.Normalizers;

/// <summary>Hugging Face's <c>BertNormalizer</c>.</summary>
internal sealed class BertNormalizer : TextNormalizer
{
    /// <summary>Creates the normalizer; <paramref name="stripAccents"/> null means "same as lowercase", as in Hugging Face.</summary>
    public BertNormalizer(bool cleanText, bool handleChineseChars, bool? stripAccents, bool lowercase)
    {
        CleanText = cleanText;
        HandleChineseChars = handleChineseChars;
        StripAccents = stripAccents;
        Lowercase = lowercase;
    }

    /// <summary>Drop control characters and map whitespace to a space.</summary>
    public bool CleanText { get; }
    /// <summary>Put spaces around CJK ideographs.</summary>
    public bool HandleChineseChars { get; }
    /// <summary>Strip accents; null follows <see cref="Lowercase"/>.</summary>
    public bool? StripAccents { get; }
    /// <summary>Lowercase.</summary>
    public bool Lowercase { get; }

    /// <inheritdoc />
    public override NormalizedText Normalize(string original, int start, int end)
    {
        bool strip = StripAccents ?? Lowercase;
        var text = new NormalizedText(end - start + 8, start);
        Span<int> parts = stackalloc int[CanonicalDecomposition.MaxLength];
        var span = original.AsSpan();
        for (int i = start; i < end;)
        {
            int cp = CharClass.CodePointAt(span, i, out int length);
            int from = i, to = i + length;
            i = to;
            if (cp < 128)
            {
                if (CleanText)
                {
                    if (cp == 0 || CharClass.IsBertControl(cp)) continue;
                    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') cp = ' ';
                }
                if (Lowercase && (uint)(cp - 'A') <= 'Z' - 'A') cp += 32;
                text.Append(cp, from, to);
                continue;
            }
            if (CleanText)
            {
                if (cp == 0xFFFD || CharClass.IsBertControl(cp)) continue;
                if (CharClass.IsWhiteSpace(cp)) cp = ' ';
            }
            if (HandleChineseChars && CharClass.IsChineseChar(cp))
            {
                text.Append(' ', from, to);
                text.Append(cp, from, to);
                text.Append(' ', from, to);
                continue;
            }
            int count;
            if (strip && CanonicalDecomposition.TryDecompose(cp, parts, out count)) { }
            else { parts[0] = cp; count = 1; }
            for (int k = 0; k < count; k++)
            {
                int c = parts[k];
                if (strip && CharClass.IsNonSpacingMark(c)) continue;
                if (!Lowercase) text.Append(c, from, to);
                else if (c == 0x130) { text.Append('i', from, to); text.Append(0x307, from, to); }
                else text.Append(Rune.ToLowerInvariant(new Rune(c)).Value, from, to);
            }
        }
        return text;
    }
}
