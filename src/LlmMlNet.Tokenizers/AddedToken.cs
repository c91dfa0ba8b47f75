// An added token: a string matched in the input before the model runs (special tokens such as [MASK],
// or user additions), with Hugging Face's matching flags. A plain record; matching is AddedVocabulary's.
namespace LlmMlNet.Tokenizers;

/// <summary>A token matched whole in the input text, as in tokenizer.json's <c>added_tokens</c>.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">The text it matches.</param>
/// <param name="Special">A special token (skipped by <c>Decode(skipSpecialTokens: true)</c>).</param>
/// <param name="SingleWord">Match only when not inside a word.</param>
/// <param name="LStrip">Also take the whitespace before it.</param>
/// <param name="RStrip">Also take the whitespace after it.</param>
/// <param name="Normalized">Match in the normalized text (true) or the original text (false).</param>
public sealed record AddedToken(int Id, string Content, bool Special = true, bool SingleWord = false,
    bool LStrip = false, bool RStrip = false, bool Normalized = false);
