// The normalizer stage: turns a range of the caller's string into normalized text that remembers where
// each character came from. Concrete normalizers live beside it; this file is only the contract.
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers.Normalizers;

/// <summary>A normalizer stage (Hugging Face's <c>normalizer</c> section).</summary>
internal abstract class TextNormalizer
{
    /// <summary>Normalizes original[start, end), keeping the alignment of every output unit.</summary>
    public abstract NormalizedText Normalize(string original, int start, int end);

    /// <summary>The normalized form of a whole string, without alignments (used for added-token contents).</summary>
    public string NormalizeString(string text) => Normalize(text, 0, text.Length).Chars.ToString();
}
