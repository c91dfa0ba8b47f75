// The knobs of text generation with Hugging Face generate()'s names and defaults: greedy unless
// DoSample, temperature 1, top-k 50 and top-p 1 (applied only when sampling), repetition penalty 1,
// EOS from the model's config, stop strings, and a seed for reproducible sampling. Not the loop
// (TokenGenerator) and not the logit arithmetic (LogitsProcessing).
namespace LlmMlNet.Transformers.Generation;

/// <summary>How to generate: Hugging Face <c>generate()</c>'s options with its defaults.</summary>
public sealed record GenerationOptions
{
    /// <summary>
    /// Most new tokens per prompt (Hugging Face's <c>max_new_tokens</c>). Default 20 (Hugging Face's default limit,
    /// <c>max_length = 20</c>, counts the prompt too; here only new tokens count).
    /// </summary>
    public int MaxNewTokens { get; init; } = 20;

    /// <summary>Sample from the processed distribution instead of taking the argmax. Default false (greedy).</summary>
    public bool DoSample { get; init; }

    /// <summary>Divides the logits before sampling (only when <see cref="DoSample"/>). Default 1; must be positive.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keeps the K most likely tokens when sampling (ties with the K-th kept); 0 turns it off. Default 50, as Hugging Face.</summary>
    public int TopK { get; init; } = 50;

    /// <summary>
    /// Nucleus sampling: keeps the most likely tokens whose probabilities sum to at least TopP (at least one token),
    /// when sampling. Default 1 (off); in (0, 1].
    /// </summary>
    public float TopP { get; init; } = 1f;

    /// <summary>
    /// Hugging Face's repetition penalty (Keskar et al. 2019): the logit of every token already in the row (prompt or generated,
    /// not padding) is divided by it when positive and multiplied by it when negative. Default 1 (off); must be positive.
    /// Applied in greedy search and sampling alike.
    /// </summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>
    /// Tokens that end a row (it is kept as the row's last token). Null (the default) uses the model config's
    /// <c>eos_token_id</c> (GPT-2's is <c>&lt;|endoftext|&gt;</c>), or none when the config has none; empty turns EOS off.
    /// </summary>
    public IReadOnlyList<int>? EosTokenIds { get; init; }

    /// <summary>
    /// Strings that end a row once its decoded completion contains one; the completion is cut before the first one
    /// (the stop string itself is dropped from the text, its tokens stay in the ids). Default none. Text generation only.
    /// </summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Seed of sampling: the same seed, prompts and options give the same tokens. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the option.</exception>
    public GenerationOptions Validate()
    {
        if (MaxNewTokens < 0) throw new ArgumentException($"MaxNewTokens must be >= 0, got {MaxNewTokens}", nameof(MaxNewTokens));
        if (!(Temperature > 0f) || float.IsInfinity(Temperature)) throw new ArgumentException($"Temperature must be positive and finite, got {Temperature}", nameof(Temperature));
        if (TopK < 0) throw new ArgumentException($"TopK must be >= 0 (0 turns it off), got {TopK}", nameof(TopK));
        if (!(TopP > 0f && TopP <= 1f)) throw new ArgumentException($"TopP must be in (0, 1], got {TopP}", nameof(TopP));
        if (!(RepetitionPenalty > 0f) || float.IsInfinity(RepetitionPenalty))
            throw new ArgumentException($"RepetitionPenalty must be positive and finite, got {RepetitionPenalty}", nameof(RepetitionPenalty));
        ArgumentNullException.ThrowIfNull(StopStrings, nameof(StopStrings));
        if (StopStrings.Any(string.IsNullOrEmpty)) throw new ArgumentException("StopStrings must not hold empty strings", nameof(StopStrings));
        return this;
    }
}
