// Options of a pre-training run on top of the Trainer's: the objective (masked or causal LM), the
// packed block length and the masking probabilities. Not the model size: that is a preset name or a
// checkpoint folder given to Pretraining.FromScratch / FromCheckpoint.
namespace LlmMlNet.Transformers.Training;

/// <summary>Which language-modelling objective a pre-training run uses.</summary>
public enum PretrainingObjective
{
    /// <summary>BERT-style masked LM (BERT, RoBERTa, DistilBERT).</summary>
    MaskedLm,

    /// <summary>GPT-style next-token prediction (GPT-2).</summary>
    CausalLm,
}

/// <summary>Options of <see cref="Pretraining.Train"/>.</summary>
public sealed record PretrainingOptions
{
    /// <summary>Tokens per packed block (and per row of a batch). Default 128.</summary>
    public int BlockSize { get; init; } = 128;

    /// <summary>
    /// One example per corpus line (truncated to <see cref="BlockSize"/>, padded per batch) instead of packing lines into
    /// full blocks: Hugging Face run_mlm's <c>--line_by_line</c>. Suits corpora of short, self-contained lines, where a packed
    /// block would mix unrelated lines. Default false (packing).
    /// </summary>
    public bool LineByLine { get; init; }

    /// <summary>The objective; null picks causal LM for GPT-2 and masked LM for the other families. Default null.</summary>
    public PretrainingObjective? Objective { get; init; }

    /// <summary>Masked-LM masking (15%, 80/10/10, optional whole words). Default <c>new MaskingOptions()</c>.</summary>
    public MaskingOptions Masking { get; init; } = new();

    /// <summary>Loop options (learning rate, steps, checkpoints, ...). Default: <c>new TrainerOptions { LearningRate = 1e-4f, WarmupRatio = 0.06 }</c>.</summary>
    public TrainerOptions Trainer { get; init; } = new() { LearningRate = 1e-4f, WarmupRatio = 0.06 };

    /// <summary>Checks ranges.</summary>
    /// <exception cref="ArgumentException">BlockSize below 2, or bad masking or trainer options.</exception>
    public PretrainingOptions Validate()
    {
        if (BlockSize < 2) throw new ArgumentException($"PretrainingOptions.BlockSize must be >= 2, got {BlockSize}.", nameof(BlockSize));
        ArgumentNullException.ThrowIfNull(Masking);
        ArgumentNullException.ThrowIfNull(Trainer);
        Masking.Validate();
        Trainer.Validate();
        return this;
    }
}
