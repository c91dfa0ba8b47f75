// The one-call bridge from our tokenizer to Microsoft.ML.Tokenizers' abstraction. Wrapping only.
using HfTokenizer = LlmMlNet.Tokenizers.Tokenizer;

namespace LlmMlNet.Tokenizers.MLTokenizers;

/// <summary>Extension methods that expose <see cref="HfTokenizer"/> as a Microsoft.ML.Tokenizers tokenizer.</summary>
public static class TokenizerExtensions
{
    /// <summary>
    /// This tokenizer as a <see cref="Microsoft.ML.Tokenizers.Tokenizer"/> (a <see cref="HuggingFaceTokenizer"/>
    /// over the same instance; nothing is copied).
    /// </summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="addSpecialTokens">Include the special tokens in encodings, counts and budgets; default false.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is null.</exception>
    public static HuggingFaceTokenizer AsMLTokenizer(this HfTokenizer tokenizer, bool addSpecialTokens = false) =>
        new(tokenizer, addSpecialTokens);
}
