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
    /// <summary>The pre-training recipe's defaults, shared by every front end (the <c>pretrain</c> command and the ML.NET estimator read these).</summary>
    public static class Defaults
    {
        /// <summary>Tokens per packed block: 128.</summary>
        public const int BlockSize = 128;

        /// <summary>Blocks per optimizer step: 8.</summary>
        public const int BatchSize = TrainerOptions.Defaults.BatchSize;

        /// <summary>Passes over the corpus: 3.</summary>
        public const int Epochs = TrainerOptions.Defaults.Epochs;

        /// <summary>Peak learning rate: 1e-4.</summary>
        public const float LearningRate = 1e-4f;

        /// <summary>Linear warm-up over this fraction of the steps, then linear decay: 0.06.</summary>
        public const double WarmupRatio = 0.06;

        /// <summary>The trainer settings of the recipe: learning rate, warm-up, batch size, epochs, seed 42.</summary>
        public static TrainerOptions Trainer() => new()
        {
            LearningRate = LearningRate, WarmupRatio = WarmupRatio, BatchSize = BatchSize, Epochs = Epochs, Seed = TrainerOptions.Defaults.Seed,
        };

        /// <summary>
        /// Peak learning rate of pre-training a freshly initialised model (a size preset): 1e-3. At the continued-pre-training
        /// rate of 1e-4 a `mini` BERT's masked-LM loss stayed at the unigram plateau (about 7) on SST-2 (issue 16).
        /// </summary>
        public const float FromScratchLearningRate = 1e-3f;

        /// <summary>Tokens per packed block when pre-training from scratch: 64 (reviews and sentences are short).</summary>
        public const int FromScratchBlockSize = 64;

        /// <summary>Blocks per optimizer step when pre-training from scratch: 64.</summary>
        public const int FromScratchBatchSize = 64;

        /// <summary>
        /// The recipe for a freshly initialised model (issue 16's real-text recipe): <see cref="FromScratchLearningRate"/>,
        /// <see cref="WarmupRatio"/> warm-up then linear decay, <see cref="FromScratchBatchSize"/> blocks of
        /// <see cref="FromScratchBlockSize"/> tokens; masking 15 % (80/10/10) as in BERT.
        /// </summary>
        public static PretrainingOptions FromScratch() => new()
        {
            BlockSize = FromScratchBlockSize,
            Trainer = Trainer() with { LearningRate = FromScratchLearningRate, BatchSize = FromScratchBatchSize },
        };
    }

    /// <summary>Tokens per packed block (and per row of a batch). Default <see cref="Defaults.BlockSize"/> (128).</summary>
    public int BlockSize { get; init; } = Defaults.BlockSize;

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

    /// <summary>
    /// Dropout probability used while pre-training in place of the model configuration's hidden, attention and embedding
    /// dropout; null keeps the configuration's (what Hugging Face's run_mlm does). The saved checkpoint keeps the
    /// configuration's own values, so fine-tuning applies those. Without dropout a compute-limited masked-LM run lowers its
    /// loss faster (Geiping and Goldstein's "Cramming" recipe trains with 0); on issue 16's reviews the loss ended 0.7 lower,
    /// though the fine-tuned accuracy did not follow (tests/LlmMlNet.Benchmarks/RealTextFindings.md). Default null.
    /// </summary>
    public float? Dropout { get; init; }

    /// <summary>
    /// Loop options (learning rate, steps, checkpoints, ...). Default <see cref="Defaults.Trainer"/> (1e-4, 6% warm-up, batch 8): the
    /// continued pre-training of a checkpoint. A fresh model wants <see cref="Defaults.FromScratch"/>'s (1e-3, batch 64).
    /// </summary>
    public TrainerOptions Trainer { get; init; } = Defaults.Trainer();

    /// <summary>Checks ranges.</summary>
    /// <exception cref="ArgumentException">BlockSize below 2, Dropout outside [0, 1), or bad masking or trainer options.</exception>
    public PretrainingOptions Validate()
    {
        if (BlockSize < 2) throw new ArgumentException($"PretrainingOptions.BlockSize must be >= 2, got {BlockSize}.", nameof(BlockSize));
        if (Dropout is { } p && !(p >= 0f && p < 1f))
            throw new ArgumentException($"PretrainingOptions.Dropout must be in [0, 1), got {p}.", nameof(Dropout));
        ArgumentNullException.ThrowIfNull(Masking);
        ArgumentNullException.ThrowIfNull(Trainer);
        Masking.Validate();
        Trainer.Validate();
        return this;
    }
}
