// Settings of supervised fine-tuning (SFT) and preference tuning (DPO) of a causal LM, with TRL's defaults
// (SFTConfig / DPOConfig) stated once here: full fine-tuning or LoRA, sequence and prompt lengths, packing for
// SFT, β for DPO, and the trainer's options. Plain settings; CausalLmTuning does the work.
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks.Generative;

/// <summary>What SFT and DPO share.</summary>
public abstract record GenerativeTuningOptions
{
    /// <summary>Full fine-tuning or LoRA (the other methods do not apply to generation). Default <see cref="FineTuningMethod.Full"/>.</summary>
    public FineTuningMethod Method { get; init; } = FineTuningMethod.Full;

    /// <summary>LoRA settings (method Lora). Default rank 8, alpha 8, on GPT-2's fused attention input (PEFT's default target for GPT-2, c_attn).</summary>
    public LoraOptions Lora { get; init; } = new() { TargetModules = ["c_attn"] };

    /// <summary>Most tokens per sequence (prompt + response + EOS), capped by the model's positions. Default 1024 (TRL).</summary>
    public int MaxLength { get; init; } = 1024;

    /// <summary>Most prompt tokens kept when a sequence is too long (the prompt keeps its end); null means half of the length. Default null.</summary>
    public int? MaxPromptLength { get; init; }

    /// <summary>The training loop's options; its BatchSize also sizes evaluation batches.</summary>
    public abstract TrainerOptions Trainer { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A method other than Full or Lora, or a setting out of range (the message names it).</exception>
    public virtual GenerativeTuningOptions Validate()
    {
        if (Method is not (FineTuningMethod.Full or FineTuningMethod.Lora))
            throw new ArgumentException($"Generative fine-tuning supports the methods Full and Lora, not {Method}.", nameof(Method));
        if (MaxLength < 4) throw new ArgumentException($"MaxLength must be at least 4, got {MaxLength}.", nameof(MaxLength));
        if (MaxPromptLength is { } p && (p < 1 || p >= MaxLength))
            throw new ArgumentException($"MaxPromptLength must be in [1, MaxLength - 1], got {p}.", nameof(MaxPromptLength));
        ArgumentNullException.ThrowIfNull(Trainer);
        Trainer.Validate();
        if (Method == FineTuningMethod.Lora) Lora.Validate();
        return this;
    }
}

/// <summary>Supervised fine-tuning settings (TRL's SFTConfig defaults).</summary>
public sealed record SftOptions : GenerativeTuningOptions
{
    /// <summary>The defaults, stated once.</summary>
    public static class Defaults
    {
        /// <summary>Learning rate of full fine-tuning (TRL SFTConfig: 2e-5).</summary>
        public const float LearningRate = 2e-5f;

        /// <summary>Learning rate with LoRA (the PEFT examples' 2e-4: the adapter starts at zero and is small).</summary>
        public const float LoraLearningRate = 2e-4f;

        /// <summary>The learning rate of <paramref name="method"/>.</summary>
        public static float LearningRateOf(FineTuningMethod method) => method == FineTuningMethod.Lora ? LoraLearningRate : LearningRate;
    }

    /// <summary>
    /// Concatenate examples into full blocks of <see cref="GenerativeTuningOptions.MaxLength"/> tokens (TRL's packing) instead of one
    /// padded example per row. Default false.
    /// </summary>
    public bool Packing { get; init; }

    /// <summary>Default: learning rate 2e-5, 3 epochs, batch 8, linear decay (TRL SFTConfig).</summary>
    public override TrainerOptions Trainer { get; init; } = new() { LearningRate = Defaults.LearningRate };
}

/// <summary>DPO settings (TRL's DPOConfig defaults).</summary>
public sealed record DpoOptions : GenerativeTuningOptions
{
    /// <summary>The defaults, stated once.</summary>
    public static class Defaults
    {
        /// <summary>β (TRL DPOConfig: 0.1).</summary>
        public const float Beta = 0.1f;

        /// <summary>Learning rate of full fine-tuning (TRL DPOConfig: 1e-6).</summary>
        public const float LearningRate = 1e-6f;

        /// <summary>Learning rate with LoRA (TRL's PEFT DPO examples: 5e-6).</summary>
        public const float LoraLearningRate = 5e-6f;

        /// <summary>The learning rate of <paramref name="method"/>.</summary>
        public static float LearningRateOf(FineTuningMethod method) => method == FineTuningMethod.Lora ? LoraLearningRate : LearningRate;
    }

    /// <summary>β, the strength of the implicit KL penalty to the reference. Default 0.1.</summary>
    public float Beta { get; init; } = Defaults.Beta;

    /// <summary>Train with dropout off (TRL's disable_dropout), so policy and reference log-probabilities compare. Default true.</summary>
    public bool DisableDropout { get; init; } = true;

    /// <summary>Default: learning rate 1e-6, 3 epochs, batch 8 pairs (TRL DPOConfig).</summary>
    public override TrainerOptions Trainer { get; init; } = new() { LearningRate = Defaults.LearningRate };

    /// <inheritdoc />
    public override GenerativeTuningOptions Validate()
    {
        if (!(Beta > 0) || !float.IsFinite(Beta)) throw new ArgumentException($"Beta must be positive, got {Beta}.", nameof(Beta));
        return base.Validate();
    }
}
