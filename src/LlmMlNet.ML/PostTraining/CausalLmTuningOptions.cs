// The settings the ML.NET SFT and DPO estimators share: where the starting causal LM comes from (a local
// GPT-2 folder, or a preset of a family with a tokenizer), the prompt column, the method, lengths, the
// trainer's main knobs, where the tuned model is saved and how the resulting transformer generates.
// Defaults come from the library's SftOptions / DpoOptions; nothing is re-decided here.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.ML.PostTraining;

/// <summary>Options common to <see cref="LlmSftEstimator"/> and <see cref="LlmDpoEstimator"/>.</summary>
public abstract class CausalLmTuningOptions
{
    /// <summary>A local GPT-2 folder to start from; null to start from <see cref="Preset"/>.</summary>
    public string? ModelPath;

    /// <summary>A size preset (tiny, mini, small, medium, base) used when <see cref="ModelPath"/> is null.</summary>
    public string? Preset;

    /// <summary>The family of a preset. Default Gpt2 (the only causal family).</summary>
    public ModelFamily Family = ModelFamily.Gpt2;

    /// <summary>tokenizer.json or a tokenizer folder; required with <see cref="Preset"/>, else null uses the model folder's.</summary>
    public string? TokenizerPath;

    /// <summary>The prompt column (String). Default "Prompt".</summary>
    public string PromptColumnName = "Prompt";

    /// <summary>The generated-text column the fitted transformer adds. Default "Completion".</summary>
    public string OutputColumnName = "Completion";

    /// <summary>Full or Lora. Default Full.</summary>
    public FineTuningMethod Method = FineTuningMethod.Full;

    /// <summary>LoRA rank (alpha = 2 × rank) on GPT-2's fused attention input. Default 8.</summary>
    public int LoraRank = 8;

    /// <summary>Most tokens per sequence (prompt + response + EOS), capped by the model. Default 1024.</summary>
    public int MaxLength = 1024;

    /// <summary>Peak learning rate; null uses the library's default for the method.</summary>
    public float? LearningRate;

    /// <summary>Examples (SFT) or pairs (DPO) per step. Default 8.</summary>
    public int BatchSize = 8;

    /// <summary>Passes over the data. Default 3.</summary>
    public int MaxEpochs = 3;

    /// <summary>Stop after this many optimizer steps; null runs every epoch.</summary>
    public int? MaxSteps;

    /// <summary>Seed. Default 42.</summary>
    public int Seed = 42;

    /// <summary>Where the tuned model is saved (a Hugging Face folder the transformer generates from); null saves under the temp folder.</summary>
    public string? OutputPath;

    /// <summary>Most new tokens the fitted transformer generates per row. Default 64.</summary>
    public int MaxNewTokens = 64;
}
