// What generation returns per prompt: the new token ids (an EOS that ended the row included, as
// Hugging Face keeps it), why the row stopped, and the prompt's length. Text (TextGenerator) adds the
// decoded completion. Plain data; no model here.
namespace LlmMlNet.Transformers.Generation;

/// <summary>Why a row stopped generating.</summary>
public enum FinishReason
{
    /// <summary>It reached <see cref="GenerationOptions.MaxNewTokens"/>.</summary>
    Length,

    /// <summary>It produced one of the EOS tokens (kept as its last id).</summary>
    EndOfSequence,

    /// <summary>Its completion contained a stop string.</summary>
    StopString,
}

/// <summary>One prompt's continuation as token ids.</summary>
/// <param name="TokenIds">The new ids only (not the prompt), in order; an EOS that ended the row is the last one.</param>
/// <param name="FinishReason">Why the row stopped.</param>
/// <param name="PromptTokens">Tokens in the prompt.</param>
public sealed record GeneratedSequence(IReadOnlyList<int> TokenIds, FinishReason FinishReason, int PromptTokens);

/// <summary>One prompt's continuation as text.</summary>
/// <param name="Text">The completion decoded without special tokens, cut before a stop string when one ended it.</param>
/// <param name="TokenIds">The new ids only; an EOS that ended the row is the last one.</param>
/// <param name="FinishReason">Why the row stopped.</param>
/// <param name="PromptTokens">Tokens in the encoded prompt.</param>
public sealed record GeneratedText(string Text, IReadOnlyList<int> TokenIds, FinishReason FinishReason, int PromptTokens);
