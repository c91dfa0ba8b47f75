// Encoding only as much of a long text as truncation keeps: when the caller wants a bounded number of
// windows, the text is encoded from its start in growing prefixes cut at word ends until the prefix
// yields more tokens than the windows can hold, so a 50 MB row truncated to 16 tokens costs a few KB.
// Cuts fall where a word ends (a non-space followed by a space), where every stage splits anyway, and the
// prefix must yield one token more than needed, so the kept tokens and their offsets equal a full encode.
namespace LlmMlNet.Tokenizers;

public sealed partial class Tokenizer
{
    /// <summary>
    /// The first tokens of <paramref name="text"/>: at least <paramref name="atLeast"/> + 1 of them, or all when the text has fewer;
    /// identical, token for token, to the start of <c>EncodeSequence(text)</c>.
    /// </summary>
    internal TokenSequence EncodeSequencePrefix(string text, int atLeast)
    {
        // About 4 characters a token in English; start with room for 8 per token and grow 4× per try.
        long cut = Math.Max(1024L, atLeast * 8L);
        while (true)
        {
            int end = cut >= text.Length ? text.Length : WordEnd(text, (int)cut);
            var sequence = EncodeSequence(end == text.Length ? text : text[..end]);
            if (end == text.Length || sequence.Count > atLeast) return sequence;
            cut = Math.Max(cut * 4, end + 1L);
        }
    }

    // The first index at or after `from` where a word ends (a space after a non-space), or the text's length.
    private static int WordEnd(string text, int from)
    {
        for (int i = Math.Max(from, 1); i < text.Length; i++)
            if (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1])) return i;
        return text.Length;
    }
}
