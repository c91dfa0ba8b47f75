// `llmmlnet finetune`: trains a text classifier or an extractive-QA model from a Hugging Face folder
// (--model) or from scratch (--preset [--family] --tokenizer, the control) by full fine-tuning, LoRA, bottleneck
// adapters or feature extraction; or a causal LM by SFT or DPO (full or LoRA, Running.GenerativeRuns). Argument handling and display only; Running.FineTuning composes the library.
using System.CommandLine;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Running;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Tasks.Generative;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `finetune` command.</summary>
public static class FinetuneCommand
{
    /// <summary>Creates the `finetune` command.</summary>
    public static Command Create()
    {
        var task = CommonOptions.Choice("--task", "classification (TSV/CSV/JSONL), qa (SQuAD v1.1/v2.0 JSON), sft (JSONL prompt/response or messages) or dpo (JSONL prompt/chosen/rejected).",
            true, "classification", "qa", "sft", "dpo");
        var beta = CommonOptions.PositiveFloat("--beta", $"dpo: beta, the strength of the pull towards the reference (default {DpoOptions.Defaults.Beta}).");
        var packing = new Option<bool>("--packing") { Description = "sft: pack examples into full blocks of --max-length tokens." };
        var maxPrompt = CommonOptions.Int("--max-prompt-length", "sft/dpo: prompt tokens kept when an example is too long (default half of --max-length).");
        var model = new Option<string>("--model") { Description = "A Hugging Face folder (config.json + model.safetensors + tokenizer files)." };
        var preset = CommonOptions.Choice("--preset", "Start from a fresh random model of this size instead (needs --tokenizer): the from-scratch control.", false, [.. SizePresets.Names]);
        var family = CommonOptions.Family("default gpt2 for sft/dpo, bert otherwise");
        var tokenizer = new Option<string>("--tokenizer") { Description = "tokenizer.json or a tokenizer folder (default: the --model folder)." };
        var train = new Option<string>("--train") { Description = "Training data.", Required = true };
        var valid = new Option<string>("--valid") { Description = "Validation data, evaluated after training." };
        var method = CommonOptions.Choice("--method", "full, lora, adapter (bottleneck) or features (frozen encoder + softmax regression).", true, FineTuning.Methods);
        var output = new Option<string>("--output") { Description = "Folder for the fine-tuned model.", Required = true };
        var epochs = CommonOptions.Int("--epochs", $"Passes over the training data (default {TaskModelOptions.Defaults.Epochs}).");
        var steps = CommonOptions.Int("--steps", "Optimizer steps (overrides --epochs; alias --max-steps).");
        steps.Aliases.Add("--max-steps");
        var lr = CommonOptions.PositiveFloat("--lr", $"Peak learning rate (default {TaskModelOptions.Defaults.FullLearningRate:0.#####} full, "
            + $"{TaskModelOptions.Defaults.LoraLearningRate:0.#####} lora, {TaskModelOptions.Defaults.AdapterLearningRate:0.#####} adapter, "
            + $"{TaskModelOptions.Defaults.FeatureExtractionLearningRate:0.#####} features; {TaskModelOptions.Defaults.WarmupRatio:P0} warm-up; sft {SftOptions.Defaults.LearningRate:0.#####} full, "
            + $"{SftOptions.Defaults.LoraLearningRate:0.#####} lora; dpo {DpoOptions.Defaults.LearningRate:0.#######} full, {DpoOptions.Defaults.LoraLearningRate:0.#######} lora).");
        var batchSize = CommonOptions.Int("--batch-size", $"Examples per batch (default {TaskModelOptions.Defaults.BatchSize}).");
        var maxLength = CommonOptions.Int("--max-length", $"Tokens per input, special tokens included (default {TaskModelOptions.Defaults.MaxLength}; "
            + "sft/dpo: prompt + response + EOS, default 1024 capped by the model's positions).", minimum: 8);
        var loraRank = CommonOptions.Int("--lora-rank", $"LoRA rank r (default {TaskModelOptions.Defaults.LoraRank}).");
        var loraAlpha = CommonOptions.PositiveFloat("--lora-alpha", $"LoRA alpha; the update is scaled by alpha / r (default {TaskModelOptions.Defaults.LoraAlpha}).");
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run from the latest checkpoint in --output/checkpoints (same data and options)." };
        var saveEvery = CommonOptions.Int("--save-every", "Write a resumable checkpoint every N steps (default 100; one is also written on Ctrl+C).");
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var skipBadRows = CommonOptions.SkipBadRows();
        var command = new Command("finetune", "Fine-tune a model for text classification or extractive question answering.")
        {
            task, model, preset, family, tokenizer, train, valid, method, output, epochs, steps, lr, batchSize, maxLength, loraRank, loraAlpha, beta, packing, maxPrompt, resume, saveEvery, seed, threads,
            json, skipBadRows,
        };
        command.Validators.Add(result =>
        {
            bool hasModel = result.GetResult(model) is not null, hasPreset = result.GetResult(preset) is not null;
            if (hasModel == hasPreset) result.AddError("Give either --model DIR or --preset NAME --tokenizer PATH.");
            else if (hasPreset && result.GetResult(tokenizer) is null) result.AddError("--preset needs --tokenizer PATH.");
            else if (hasModel && result.GetResult(family) is not null) result.AddError("--family applies to --preset; a --model folder names its family in config.json.");
        });
        command.SetAction(parse => CommandRunner.Execute("finetune", token =>
        {
            OutputPaths.RequireWritableFolder(parse.GetValue(output), "--output");
            var request = RequestOf(parse);
            var (methodName, inputs, outputDir) = (request.Method, request.Model, request.OutputDirectory!);
            var outcome = GenerativeRuns.Tasks.Contains(request.Task)
                ? GenerativeRuns.FineTune(request, parse.GetValue(beta) ?? DpoOptions.Defaults.Beta, parse.GetValue(packing), parse.GetValue(maxPrompt), token)
                : FineTuning.Run(request, token);
            Console.Out.WriteLine($"finetune: {methodName} on {inputs.Description}: {outcome.Result?.GlobalStep ?? 0} steps in {Counts.Seconds(outcome.Elapsed)}, "
                + $"{Counts.Parameters(outcome.TrainableParameters)} trainable of {Counts.Parameters(outcome.TotalParameters)} parameters");
            foreach (var (name, value) in outcome.Metrics) Console.Out.WriteLine($"finetune: validation {name} = {value:F4}");
            if (outcome.SkippedRows > 0) Console.Out.WriteLine($"finetune: skipped {outcome.SkippedRows} bad row(s).");
            Console.Out.WriteLine($"finetune: saved to {outputDir}: {outcome.SavedNote}");
            if (parse.GetValue(json))
            {
                var fields = TrainingFields.Of(outcome.Result, outcome.TrainableParameters, outcome.TotalParameters, outcome.Elapsed,
                    ("task", parse.GetValue(task)), ("method", methodName), ("output", outputDir), ("train_examples", outcome.TrainExamples), ("skipped_rows", outcome.SkippedRows));
                fields.AddRange(outcome.Metrics.Select(m => new KeyValuePair<string, object?>(m.Key, Math.Round(m.Value, 6))));
                JsonResult.Write(fields);
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// The run a parsed `finetune` command line asks for: every value not given comes from the library's
    /// <see cref="TaskModelOptions.Defaults"/> (nothing is defaulted here).
    /// </summary>
    /// <exception cref="UsageException">A path does not exist or a value is unknown.</exception>
    internal static FineTuneRequest RequestOf(ParseResult parse)
    {
        var methodName = parse.GetValue<string>("--method")!;
        var taskName = parse.GetValue<string>("--task")!;
        bool generative = GenerativeRuns.Tasks.Contains(taskName);
        ulong seedValue = (ulong)(parse.GetValue<int?>("--seed") ?? (int)TaskModelOptions.Defaults.Seed);
        var inputs = ModelInputs.Resolve(parse.GetValue<string>("--model"), parse.GetValue<string>("--preset"), parse.GetValue<string>("--tokenizer"), seedValue,
            CommonOptions.FamilyOf(parse.GetValue<string>("--family"), generative ? ModelFamily.Gpt2 : ModelFamily.Bert));
        var method = FineTuning.MethodOf(methodName);
        float? rate = parse.GetValue<float?>("--lr") ?? (generative ? GenerativeRuns.DefaultLearningRate(taskName, method) : null);
        WarnOnPretrainedRate(parse.GetValue<string>("--preset") is not null, rate ?? TaskModelOptions.Defaults.LearningRate(method));
        return new FineTuneRequest(
            taskName, methodName, inputs, parse.GetValue<string>("--train")!, parse.GetValue<string>("--valid"),
            parse.GetValue<string>("--output")!, parse.GetValue<int?>("--max-length") ?? (generative ? 1024 : TaskModelOptions.Defaults.MaxLength),
            TrainerOf(method, rate, parse.GetValue<int?>("--epochs"), parse.GetValue<int?>("--steps"),
                parse.GetValue<int?>("--batch-size"), seedValue, parse.GetValue<int?>("--threads")),
            parse.GetValue<int?>("--lora-rank"), parse.GetValue<bool>("--skip-bad-rows"), $"finetune {methodName}",
            Checkpoints: true, Resume: parse.GetValue<bool>("--resume"), SaveEvery: parse.GetValue<int?>("--save-every") ?? 100,
            LoraAlpha: parse.GetValue<float?>("--lora-alpha"));
    }

    /// <summary>
    /// Warns on standard error when a fresh model (--preset) is to be trained at a rate meant for pre-trained weights, the default
    /// full fine-tuning rate included (the defaults are the library's, the same for both front ends).
    /// </summary>
    internal static void WarnOnPretrainedRate(bool fromScratch, float rate)
    {
        if (fromScratch && rate < TaskModelOptions.Defaults.FromScratchMinimumLearningRate)
            Console.Error.WriteLine($"finetune: warning: --preset starts from a freshly initialised model, but the learning rate {rate:0.######} is meant for "
                + $"pre-trained weights; from scratch, rates around {TaskModelOptions.Defaults.FromScratchLearningRate:0.####} learn (--lr; e.g. a "
                + "random mini on SQuAD: F1 21 at 5e-5, 45 at 1e-3).");
    }

    /// <summary>The method's default trainer settings (<see cref="TaskModelOptions.Defaults.Trainer"/>) with the given overrides.</summary>
    internal static TrainerOptions TrainerOf(FineTuningMethod method, float? learningRate, int? epochs, int? steps, int? batchSize, ulong seed, int? threads)
    {
        var defaults = TaskModelOptions.Defaults.Trainer(method);
        return defaults with
        {
            LearningRate = learningRate ?? defaults.LearningRate,
            Epochs = epochs ?? defaults.Epochs,
            MaxSteps = steps,
            BatchSize = batchSize ?? defaults.BatchSize,
            Seed = seed,
            Threads = threads,
        };
    }
}
