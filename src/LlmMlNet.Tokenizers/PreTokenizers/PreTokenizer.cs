// The pre-tokenizer stage: cuts a normalized segment into words that the model tokenizes one by one.
// This file is the contract and the word record; concrete splitters live beside it.
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers.PreTokenizers;

/// <summary>A word: normalized [Start, End) of <see cref="Text"/>.</summary>
internal readonly record struct WordSpan(NormalizedText Text, int Start, int End);

/// <summary>A pre-tokenizer stage (Hugging Face's <c>pre_tokenizer</c> section).</summary>
internal abstract class PreTokenizer
{
    /// <summary>Appends the words of <paramref name="text"/>[start, end) to <paramref name="words"/>, in order, none empty.</summary>
    public abstract void Split(NormalizedText text, int start, int end, List<WordSpan> words);
}
