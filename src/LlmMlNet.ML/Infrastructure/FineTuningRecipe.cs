// The ML.NET fine-tuning trainers' shared plumbing: their options checked (schedule, model source) and mapped
// onto the library's TaskModelOptions: TaskModelOptions.For(method) (the one place the defaults live, which
// the CLI reads too) with the user's overrides and the validation schedule ML.NET users expect (evaluate once
// per epoch, keep the best); and the base model as a ModelSource. No defaults of its own.
using LlmMlNet.ML.Persistence;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.ML.Infrastructure;

internal static class FineTuningRecipe
{
    /// <summary>The task options of one trainer run.</summary>
    /// <param name="method">The method (picks the default learning rate).</param>
    /// <param name="learningRate">Peak learning rate, or null for the method's default.</param>
    /// <param name="batchSize">Examples per step.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="maxSteps">Step limit, or null.</param>
    /// <param name="maxLength">Tokens per input.</param>
    /// <param name="loraRank">LoRA rank.</param>
    /// <param name="loraAlpha">LoRA alpha.</param>
    /// <param name="adapterSize">Bottleneck width, or null for the default.</param>
    /// <param name="seed">Trainer seed.</param>
    /// <param name="trainCount">Training examples (sizes the per-epoch evaluation).</param>
    /// <param name="hasValidation">A validation set is given.</param>
    /// <param name="evaluateEverySteps">Evaluation period, or null for once per epoch.</param>
    /// <param name="earlyStoppingPatience">Early-stopping patience, or null.</param>
    public static TaskModelOptions Build(FineTuningMethod method, float? learningRate, int batchSize, int epochs, int? maxSteps, int maxLength,
        int loraRank, float loraAlpha, int? adapterSize, int seed, int trainCount, bool hasValidation, int? evaluateEverySteps, int? earlyStoppingPatience)
    {
        var d = TaskModelOptions.For(method);
        return d with
        {
            MaxLength = maxLength,
            Lora = d.Lora with { Rank = loraRank, Alpha = loraAlpha },
            Bottleneck = d.Bottleneck with { BottleneckSize = adapterSize ?? d.Bottleneck.BottleneckSize },
            Trainer = d.Trainer with
            {
                LearningRate = learningRate ?? d.Trainer.LearningRate,
                BatchSize = batchSize,
                Epochs = epochs,
                MaxSteps = maxSteps,
                Seed = (ulong)seed,
                EvaluateEverySteps = hasValidation ? evaluateEverySteps ?? Math.Max(1, (trainCount + batchSize - 1) / batchSize) : null,
                EarlyStoppingPatience = hasValidation ? earlyStoppingPatience : null,
                LoadBestAtEnd = hasValidation,
            },
        };
    }

    /// <summary>Checks the schedule settings every fine-tuning trainer shares.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value out of range; the message names the option.</exception>
    public static void CheckSchedule(int batchSize, int maxEpochs, float? learningRate, int? evaluateEverySteps, int? earlyStoppingPatience)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException("BatchSize", batchSize, "BatchSize must be at least 1.");
        if (maxEpochs < 1) throw new ArgumentOutOfRangeException("MaxEpochs", maxEpochs, "MaxEpochs must be at least 1.");
        if (learningRate is { } rate && (!(rate > 0) || !float.IsFinite(rate)))
            throw new ArgumentOutOfRangeException("LearningRate", learningRate, "LearningRate must be positive.");
        if (evaluateEverySteps is < 1) throw new ArgumentOutOfRangeException("EvaluateEverySteps", evaluateEverySteps, "EvaluateEverySteps must be at least 1.");
        if (earlyStoppingPatience is < 1) throw new ArgumentOutOfRangeException("EarlyStoppingPatience", earlyStoppingPatience, "EarlyStoppingPatience must be at least 1.");
    }

    /// <summary>Checks ModelPath, or Preset with TokenizerPath, and that the tokenizer loads.</summary>
    /// <exception cref="ArgumentException">Neither a model path nor a known preset with a tokenizer.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing; the message names it.</exception>
    public static void CheckSource(string? modelPath, string? preset, string? tokenizerPath)
    {
        if (modelPath != null) LocalModelPaths.RequireCheckpointFolder(modelPath, "ModelPath");
        else if (preset == null || tokenizerPath == null)
            throw new ArgumentException(
                $"Set ModelPath (a local Hugging Face folder), or Preset ({string.Join(", ", SizePresets.Names)}) with TokenizerPath to train from scratch.", "options");
        else if (!SizePresets.Names.Contains(preset))
            throw new ArgumentException($"Preset '{preset}' is not one of {string.Join(", ", SizePresets.Names)}.", "options");
        LocalModelPaths.LoadTokenizer(tokenizerPath ?? modelPath, "TokenizerPath");
    }

    /// <summary>The tokenizer and base model of a checked source: the checkpoint folder, or a fresh preset model of <paramref name="family"/>.</summary>
    public static (Tokenizer Tokenizer, ModelSource Source) Source(string? modelPath, string? preset, ModelFamily family, string? tokenizerPath, int seed)
    {
        var tokenizer = LocalModelPaths.LoadTokenizer(tokenizerPath ?? modelPath, "TokenizerPath");
        var s = (ulong)seed;
        var source = modelPath != null
            ? ModelSource.FromCheckpoint(modelPath, s)
            : ModelSource.FromScratch(Pretraining.FromScratch(preset!, family, tokenizer, s).Config, s);
        return (tokenizer, source);
    }
}
