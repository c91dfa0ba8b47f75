// One sequence through the stages: added tokens matched on the original text, the normalizer on what is
// left, added tokens matched on the normalized text, the pre-tokenizer, then the model per word. Word
// indices count every split as Hugging Face does. No special tokens, truncation or padding here.
using LlmMlNet.Tokenizers.PreTokenizers;
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers;

public sealed partial class Tokenizer
{
    [ThreadStatic] private static List<(int Start, int End, AddedToken? Token)>? t_originalPieces;
    [ThreadStatic] private static List<(int Start, int End, AddedToken? Token)>? t_normalizedPieces;
    [ThreadStatic] private static List<WordSpan>? t_words;

    internal TokenSequence EncodeSequence(string text)
    {
        var sequence = new TokenSequence(text.Length / 4 + 8); // English runs at about 4 characters a token
        var originalPieces = t_originalPieces ??= new();
        var normalizedPieces = t_normalizedPieces ??= new();
        var words = t_words ??= new();
        originalPieces.Clear();
        AddedVocabulary.FindInOriginal(text, 0, text.Length, originalPieces);
        int wordIndex = 0;
        foreach (var (start, end, token) in originalPieces)
        {
            if (token is not null)
            {
                sequence.Add(token.Id, text[start..end], start, end, wordIndex++);
                continue;
            }
            var normalized = Normalizer?.Normalize(text, start, end) ?? NormalizedText.Identity(text, start, end);
            normalizedPieces.Clear();
            AddedVocabulary.FindInNormalized(normalized.Chars, 0, normalized.Length, normalizedPieces);
            foreach (var (from, to, added) in normalizedPieces)
            {
                if (added is not null)
                {
                    var (s, e) = normalized.OriginalRange(from, to);
                    sequence.Add(added.Id, normalized.Chars[from..to].ToString(), s, e, wordIndex++);
                    continue;
                }
                words.Clear();
                if (PreTokenizer is null) words.Add(new WordSpan(normalized, from, to));
                else PreTokenizer.Split(normalized, from, to, words);
                foreach (var word in words) Model.Tokenize(word, wordIndex++, sequence);
            }
        }
        return sequence;
    }
}
