// The knobs of BERT's dynamic masking (DataCollatorForLanguageModeling / whole-word variant):
// select 15% of the non-special tokens, then 80% become [MASK], 10% a random id, 10% stay.
// Not the masker itself (MlmMasking) and not tokenizer configuration.
namespace LlmMlNet.Transformers.Training;

/// <summary>Options of masked-language-model masking.</summary>
public sealed record MaskingOptions
{
    /// <summary>Probability that a token (or word) is selected for prediction. Default 0.15.</summary>
    public double MaskProbability { get; init; } = 0.15;

    /// <summary>Of the selected, the share replaced by [MASK]. Default 0.8.</summary>
    public double MaskTokenShare { get; init; } = 0.8;

    /// <summary>Of the selected, the share replaced by a uniformly random id (the rest stay). Default 0.1.</summary>
    public double RandomTokenShare { get; init; } = 0.1;

    /// <summary>Select whole words: all pieces of a word are selected together. Default false.</summary>
    public bool WholeWordMasking { get; init; }

    /// <summary>Checks ranges.</summary>
    /// <exception cref="ArgumentException">A probability outside [0, 1] or shares summing above 1.</exception>
    public MaskingOptions Validate()
    {
        if (MaskProbability is < 0 or > 1 || double.IsNaN(MaskProbability))
            throw new ArgumentException($"MaskingOptions.MaskProbability must be in [0, 1], got {MaskProbability}.", nameof(MaskProbability));
        if (MaskTokenShare < 0 || RandomTokenShare < 0 || MaskTokenShare + RandomTokenShare > 1 + 1e-12)
            throw new ArgumentException($"MaskingOptions.MaskTokenShare ({MaskTokenShare}) and RandomTokenShare ({RandomTokenShare}) must be >= 0 and sum to at most 1.", nameof(MaskTokenShare));
        return this;
    }
}
