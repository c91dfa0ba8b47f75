// `llmmlnet finetune`: trains a text classifier or an extractive-QA model from a Hugging Face folder
// (--model) or from scratch (--preset --tokenizer, the control) by full fine-tuning, LoRA, bottleneck
// adapters or feature extraction. Argument handling and display only; Running.FineTuning composes the library.
using System.CommandLine;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Running;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `finetune` command.</summary>
public static class FinetuneCommand
{
    /// <summary>Creates the `finetune` command.</summary>
    public static Command Create()
    {
        var task = CommonOptions.Choice("--task", "classification (TSV/CSV/JSONL) or qa (SQuAD v1.1/v2.0 JSON).", true, "classification", "qa");
        var model = new Option<string>("--model") { Description = "A Hugging Face folder (config.json + model.safetensors + tokenizer files)." };
        var preset = CommonOptions.Choice("--preset", "Start from a fresh random model of this size instead (needs --tokenizer): the from-scratch control.", false, [.. SizePresets.Names]);
        var tokenizer = new Option<string>("--tokenizer") { Description = "tokenizer.json or a tokenizer folder (default: the --model folder)." };
        var train = new Option<string>("--train") { Description = "Training data.", Required = true };
        var valid = new Option<string>("--valid") { Description = "Validation data, evaluated after training." };
        var method = CommonOptions.Choice("--method", "full, lora, adapter (bottleneck) or features (frozen encoder + softmax regression).", true, FineTuning.Methods);
        var output = new Option<string>("--output") { Description = "Folder for the fine-tuned model.", Required = true };
        var epochs = CommonOptions.Int("--epochs", "Passes over the training data (default 3).");
        var steps = CommonOptions.Int("--steps", "Optimizer steps (overrides --epochs; alias --max-steps).");
        steps.Aliases.Add("--max-steps");
        var lr = CommonOptions.PositiveFloat("--lr", "Peak learning rate (default 5e-5 full, 5e-4 lora/adapter).");
        var batchSize = CommonOptions.Int("--batch-size", "Examples per batch (default 8).");
        var maxLength = CommonOptions.Int("--max-length", "Tokens per input, special tokens included (default 128).", minimum: 8);
        var loraRank = CommonOptions.Int("--lora-rank", "LoRA rank r (alpha = r; default 8).");
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run from the latest checkpoint in --output/checkpoints (same data and options)." };
        var saveEvery = CommonOptions.Int("--save-every", "Write a resumable checkpoint every N steps (default 100; one is also written on Ctrl+C).");
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var skipBadRows = CommonOptions.SkipBadRows();
        var command = new Command("finetune", "Fine-tune a model for text classification or extractive question answering.")
        {
            task, model, preset, tokenizer, train, valid, method, output, epochs, steps, lr, batchSize, maxLength, loraRank, resume, saveEvery, seed, threads, json, skipBadRows,
        };
        command.Validators.Add(result =>
        {
            bool hasModel = result.GetResult(model) is not null, hasPreset = result.GetResult(preset) is not null;
            if (hasModel == hasPreset) result.AddError("Give either --model DIR or --preset NAME --tokenizer PATH.");
            else if (hasPreset && result.GetResult(tokenizer) is null) result.AddError("--preset needs --tokenizer PATH.");
        });
        command.SetAction(parse => CommandRunner.Execute("finetune", token =>
        {
            var methodName = parse.GetValue(method)!;
            ulong seedValue = (ulong)(parse.GetValue(seed) ?? (int)TrainerOptions.Defaults.Seed);
            var inputs = ModelInputs.Resolve(parse.GetValue(model), parse.GetValue(preset), parse.GetValue(tokenizer), seedValue);
            var outputDir = parse.GetValue(output)!;
            OutputPaths.RequireWritableFolder(outputDir, "--output");
            var request = new FineTuneRequest(
                parse.GetValue(task)!, methodName, inputs, parse.GetValue(train)!, parse.GetValue(valid), outputDir,
                parse.GetValue(maxLength) ?? 128,
                new TrainerOptions
                {
                    LearningRate = parse.GetValue(lr) ?? (methodName == "full" ? 5e-5f : 5e-4f),
                    Epochs = parse.GetValue(epochs) ?? TrainerOptions.Defaults.Epochs,
                    MaxSteps = parse.GetValue(steps),
                    BatchSize = parse.GetValue(batchSize) ?? TrainerOptions.Defaults.BatchSize,
                    WarmupRatio = 0.06,
                    Seed = seedValue,
                    Threads = parse.GetValue(threads),
                },
                parse.GetValue(loraRank) ?? 8, parse.GetValue(skipBadRows), $"finetune {methodName}",
                Checkpoints: true, Resume: parse.GetValue(resume), SaveEvery: parse.GetValue(saveEvery) ?? 100);
            var outcome = FineTuning.Run(request, token);
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
}
