// The ML.NET trainers' options mapped onto the library's TaskModelOptions: TaskModelOptions.For(method)
// (the one place the defaults live, which the CLI reads too) with the user's overrides and the validation
// schedule ML.NET users expect (evaluate once per epoch, keep the best). Mapping only; no defaults of its own.
using LlmMlNet.Transformers.Tasks;

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
}
