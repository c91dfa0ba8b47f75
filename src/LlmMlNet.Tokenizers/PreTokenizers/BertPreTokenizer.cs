// BERT's pre-tokenizer: split on whitespace (removed), then isolate every punctuation character
// (ASCII punctuation or Unicode P*). It does not lowercase or clean; the normalizer did that.
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers.PreTokenizers;

/// <summary>Hugging Face's <c>BertPreTokenizer</c>.</summary>
internal sealed class BertPreTokenizer : PreTokenizer
{
    /// <inheritdoc />
    public override void Split(NormalizedText text, int start, int end, List<WordSpan> words)
    {
        var chars = text.Chars;
        int wordStart = -1;
        for (int i = start; i < end;)
        {
            int cp = CharClass.CodePointAt(chars, i, out int length);
            if (CharClass.IsWhiteSpace(cp))
            {
                if (wordStart >= 0) words.Add(new WordSpan(text, wordStart, i));
                wordStart = -1;
            }
            else if (CharClass.IsBertPunctuation(cp))
            {
                if (wordStart >= 0) words.Add(new WordSpan(text, wordStart, i));
                words.Add(new WordSpan(text, i, i + length));
                wordStart = -1;
            }
            else if (wordStart < 0) wordStart = i;
            i += length;
        }
        if (wordStart >= 0) words.Add(new WordSpan(text, wordStart, end));
    }
}
