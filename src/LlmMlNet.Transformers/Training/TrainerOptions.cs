// The knobs of one training run, named and defaulted as Hugging Face's TrainingArguments where a
// counterpart exists (learning_rate, weight_decay, adam_beta1, warmup_ratio, max_grad_norm, ...).
// Not the model or data: those are arguments of Trainer.Train. Validate checks every field at once.
namespace LlmMlNet.Transformers.Training;

/// <summary>How the learning rate decays after warm-up.</summary>
public enum LearningRateDecay
{
    /// <summary>Linearly to 0 at the last step (Hugging Face's default <c>linear</c>).</summary>
    Linear,

    /// <summary>Half a cosine to 0 at the last step (<c>cosine</c>, one half-cycle).</summary>
    Cosine,

    /// <summary>Held at the base rate after warm-up (<c>constant_with_warmup</c>).</summary>
    Constant,
}

/// <summary>Options of a <see cref="Trainer"/> run. Every property has a documented default.</summary>
public sealed record TrainerOptions
{
    /// <summary>Reference defaults.</summary>
    public static class Defaults
    {
        /// <summary>5e-5, Hugging Face's default.</summary>
        public const float LearningRate = 5e-5f;
        /// <summary>0.01 (Hugging Face's default is 0; BERT's recipes use 0.01).</summary>
        public const float WeightDecay = 0.01f;
        /// <summary>0.9.</summary>
        public const float Beta1 = 0.9f;
        /// <summary>0.999.</summary>
        public const float Beta2 = 0.999f;
        /// <summary>1e-8.</summary>
        public const float Epsilon = 1e-8f;
        /// <summary>1.0.</summary>
        public const double MaxGradientNorm = 1.0;
        /// <summary>8 examples per micro-batch.</summary>
        public const int BatchSize = 8;
        /// <summary>3 epochs.</summary>
        public const int Epochs = 3;
        /// <summary>42.</summary>
        public const ulong Seed = 42;
        /// <summary>10,000 examples.</summary>
        public const int ShuffleBufferSize = 10_000;
        /// <summary>"eval_loss".</summary>
        public const string MetricForBestModel = "eval_loss";
    }

    /// <summary>Peak learning rate after warm-up. Default <see cref="Defaults.LearningRate"/>.</summary>
    public float LearningRate { get; init; } = Defaults.LearningRate;

    /// <summary>AdamW decoupled weight decay, applied only to tensors the <c>ParameterLayout</c> marks for decay (not biases or LayerNorm). Default 0.01.</summary>
    public float WeightDecay { get; init; } = Defaults.WeightDecay;

    /// <summary>AdamW β1. Default 0.9.</summary>
    public float Beta1 { get; init; } = Defaults.Beta1;

    /// <summary>AdamW β2. Default 0.999.</summary>
    public float Beta2 { get; init; } = Defaults.Beta2;

    /// <summary>AdamW epsilon. Default 1e-8.</summary>
    public float Epsilon { get; init; } = Defaults.Epsilon;

    /// <summary>Warm-up length in optimizer steps; when set it wins over <see cref="WarmupRatio"/>. Default null.</summary>
    public int? WarmupSteps { get; init; }

    /// <summary>Warm-up as a fraction of the total steps (rounded up, as Hugging Face does). Default 0.</summary>
    public double WarmupRatio { get; init; }

    /// <summary>Decay after warm-up. Default <see cref="LearningRateDecay.Linear"/>.</summary>
    public LearningRateDecay Decay { get; init; } = LearningRateDecay.Linear;

    /// <summary>Global L2 gradient-norm clip; 0 or null disables clipping. Default 1.0.</summary>
    public double? MaxGradientNorm { get; init; } = Defaults.MaxGradientNorm;

    /// <summary>Micro-batches whose gradients are summed (each scaled by 1/count) before one optimizer step. Default 1.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>Examples per micro-batch. Default 8.</summary>
    public int BatchSize { get; init; } = Defaults.BatchSize;

    /// <summary>Passes over the training data; ignored when <see cref="MaxSteps"/> is set. Default 3.</summary>
    public int Epochs { get; init; } = Defaults.Epochs;

    /// <summary>Total optimizer steps; when set, epochs repeat until it is reached. Default null.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Seed for shuffling, masking and dropout. Default 42.</summary>
    public ulong Seed { get; init; } = Defaults.Seed;

    /// <summary>Examples held by the streaming shuffle buffer; 0 or 1 keeps the source order. Default 10,000.</summary>
    public int ShuffleBufferSize { get; init; } = Defaults.ShuffleBufferSize;

    /// <summary>Run the evaluator every N optimizer steps (and after the last step); null never. Default null.</summary>
    public int? EvaluateEverySteps { get; init; }

    /// <summary>The evaluator metric that decides the best checkpoint and early stopping. Default "eval_loss".</summary>
    public string MetricForBestModel { get; init; } = Defaults.MetricForBestModel;

    /// <summary>True when a larger metric is better (accuracy); false for losses. Default false.</summary>
    public bool GreaterIsBetter { get; init; }

    /// <summary>Stop after this many evaluations without improvement; null disables early stopping. Default null.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Minimum improvement that counts as one (<c>early_stopping_threshold</c>). Default 0.</summary>
    public double EarlyStoppingThreshold { get; init; }

    /// <summary>Keep a copy of the best evaluated state in <c>OutputDirectory/best</c>. Default true.</summary>
    public bool KeepBestCheckpoint { get; init; } = true;

    /// <summary>After training, copy the best checkpoint's weights back into the model. Default false.</summary>
    public bool LoadBestAtEnd { get; init; }

    /// <summary>Write a resumable checkpoint every N optimizer steps; null never (the final one is still written when <see cref="OutputDirectory"/> is set). Default null.</summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>Most step checkpoints kept (oldest deleted first); null keeps all. Default null.</summary>
    public int? CheckpointLimit { get; init; }

    /// <summary>
    /// When cancelled, first write a step checkpoint at the last completed optimizer step (unless one exists), so a resume
    /// loses no finished step; needs <see cref="OutputDirectory"/>. Default false (cancelling leaves the last periodic checkpoint).
    /// </summary>
    public bool CheckpointOnCancel { get; init; }

    /// <summary>Folder for checkpoints; null writes nothing. Default null.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Kernel threads for the run (sets <c>EngineSettings.Threads</c>, restored afterwards); null leaves it. Default null.</summary>
    public int? Threads { get; init; }

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A field is out of range; the message names it.</exception>
    public TrainerOptions Validate()
    {
        Require(LearningRate >= 0f && float.IsFinite(LearningRate), nameof(LearningRate), "must be finite and >= 0");
        Require(WeightDecay >= 0f && float.IsFinite(WeightDecay), nameof(WeightDecay), "must be finite and >= 0");
        Require(Beta1 is >= 0f and < 1f, nameof(Beta1), "must be in [0, 1)");
        Require(Beta2 is >= 0f and < 1f, nameof(Beta2), "must be in [0, 1)");
        Require(Epsilon >= 0f, nameof(Epsilon), "must be >= 0");
        Require(WarmupSteps is null or >= 0, nameof(WarmupSteps), "must be >= 0");
        Require(WarmupRatio is >= 0 and <= 1, nameof(WarmupRatio), "must be in [0, 1]");
        Require(MaxGradientNorm is null || MaxGradientNorm >= 0, nameof(MaxGradientNorm), "must be >= 0");
        Require(GradientAccumulationSteps >= 1, nameof(GradientAccumulationSteps), "must be >= 1");
        Require(BatchSize >= 1, nameof(BatchSize), "must be >= 1");
        Require(Epochs >= 1, nameof(Epochs), "must be >= 1");
        Require(MaxSteps is null or >= 1, nameof(MaxSteps), "must be >= 1");
        Require(ShuffleBufferSize >= 0, nameof(ShuffleBufferSize), "must be >= 0");
        Require(EvaluateEverySteps is null or >= 1, nameof(EvaluateEverySteps), "must be >= 1");
        Require(!string.IsNullOrWhiteSpace(MetricForBestModel), nameof(MetricForBestModel), "must name a metric");
        Require(EarlyStoppingPatience is null or >= 1, nameof(EarlyStoppingPatience), "must be >= 1");
        Require(EarlyStoppingThreshold >= 0, nameof(EarlyStoppingThreshold), "must be >= 0");
        Require(CheckpointEverySteps is null or >= 1, nameof(CheckpointEverySteps), "must be >= 1");
        Require(CheckpointLimit is null or >= 1, nameof(CheckpointLimit), "must be >= 1");
        Require(Threads is null or >= 1, nameof(Threads), "must be >= 1");
        Require(EarlyStoppingPatience is null || EvaluateEverySteps is not null, nameof(EarlyStoppingPatience), "needs EvaluateEverySteps");
        return this;
    }

    private static void Require(bool condition, string field, string rule)
    {
        if (!condition) throw new ArgumentException($"TrainerOptions.{field} {rule}.", field);
    }
}
