// `llmmlnet pretrain`: masked- or causal-LM pre-training from a size preset and a tokenizer (from
// scratch) or from a Hugging Face folder (continued pre-training), saved as a Hugging Face checkpoint.
// Argument handling and display only; Transformers.Training.Pretraining does the work.
using System.CommandLine;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Running;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `pretrain` command.</summary>
public static class PretrainCommand
{
    /// <summary>Sub-folder of --output holding the trainer's resumable checkpoints.</summary>
    public const string CheckpointFolder = "checkpoints";

    /// <summary>Creates the `pretrain` command.</summary>
    public static Command Create()
    {
        var objective = CommonOptions.Choice("--objective", "mlm (masked LM, BERT) or clm (causal LM, GPT-2).", true, "mlm", "clm");
        var preset = CommonOptions.Choice("--preset", "Start from a fresh model of this size (needs --tokenizer).", false, [.. SizePresets.Names]);
        var family = CommonOptions.Family("default gpt2 for clm, bert for mlm");
        var tokenizer = new Option<string>("--tokenizer") { Description = "tokenizer.json or a tokenizer folder (with --preset)." };
        var model = new Option<string>("--model") { Description = "A Hugging Face folder (config.json + model.safetensors + tokenizer) to continue pre-training." };
        var corpus = new Option<string[]>("--corpus") { Description = "Text files: one line per sentence, blank lines between documents.", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--output") { Description = "Folder for the trained checkpoint (and checkpoints/ for resuming).", Required = true };
        var steps = CommonOptions.Int("--steps", "Optimizer steps (default: --epochs passes over the corpus).");
        steps.Aliases.Add("--max-steps");
        var epochs = CommonOptions.Int("--epochs", $"Passes over the corpus when --steps is not given (default {PretrainingOptions.Defaults.Epochs}).");
        var maxLength = CommonOptions.Int("--max-length", $"Tokens per packed block (default {PretrainingOptions.Defaults.BlockSize}; "
            + $"{PretrainingOptions.Defaults.FromScratchBlockSize} with --preset).", minimum: 2);
        var batchSize = CommonOptions.Int("--batch-size", $"Blocks per batch (default {PretrainingOptions.Defaults.BatchSize}; "
            + $"{PretrainingOptions.Defaults.FromScratchBatchSize} with --preset).");
        var lr = CommonOptions.PositiveFloat("--lr", $"Peak learning rate (default {PretrainingOptions.Defaults.LearningRate:0.#####}; "
            + $"{PretrainingOptions.Defaults.FromScratchLearningRate:0.#####} with --preset; "
            + $"{PretrainingOptions.Defaults.WarmupRatio:P0} warm-up, linear decay).");
        var saveEvery = CommonOptions.Int("--save-every", "Write a resumable checkpoint every N steps (default 100).");
        var resume = new Option<bool>("--resume") { Description = "Continue from the latest checkpoint in --output/checkpoints." };
        var lineByLine = new Option<bool>("--line-by-line") { Description = "One corpus line per example, padded, instead of packed blocks (Hugging Face run_mlm's --line_by_line)." };
        var maskProbability = CommonOptions.PositiveFloat("--mask-probability", $"mlm: share of tokens (or words) selected for prediction, at most 1 (default {new MaskingOptions().MaskProbability}).");
        var wholeWord = new Option<bool>("--whole-word") { Description = "mlm: select whole words (every piece of a word together), as Hugging Face's DataCollatorForWholeWordMask." };
        var dropout = CommonOptions.Probability("--dropout", "Dropout while pre-training, in place of the model config's (default: the config's; "
            + "the saved config keeps its own values for fine-tuning).");
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var skipBadRows = CommonOptions.SkipBadRows();
        var command = new Command("pretrain", "Pre-train a transformer by masked or causal language modelling on text files.")
        {
            objective, preset, family, tokenizer, model, corpus, output, steps, epochs, maxLength, batchSize, lr, saveEvery, resume, lineByLine,
            maskProbability, wholeWord, dropout, seed, threads, json, skipBadRows,
        };
        command.Validators.Add(result =>
        {
            bool hasModel = result.GetResult(model) is not null, hasPreset = result.GetResult(preset) is not null;
            if (hasModel == hasPreset) result.AddError("Give either --model DIR or --preset NAME --tokenizer PATH.");
            else if (hasPreset && result.GetResult(tokenizer) is null) result.AddError("--preset needs --tokenizer PATH.");
            else if (hasModel && result.GetResult(family) is not null) result.AddError("--family applies to --preset; a --model folder names its family in config.json.");
            bool masking = result.GetResult(maskProbability) is not null || result.GetResult(wholeWord) is not null;
            if (masking && result.GetValue(objective) == "clm") result.AddError("--mask-probability and --whole-word apply to --objective mlm.");
            if (result.GetValue(maskProbability) is > 1f) result.AddError($"--mask-probability must be at most 1, got {result.GetValue(maskProbability)}.");
        });
        command.SetAction(parse => CommandRunner.Execute("pretrain", token =>
        {
            var outputDir = parse.GetValue(output)!;
            OutputPaths.RequireWritableFolder(outputDir, "--output");
            var kind = parse.GetValue(objective) == "clm" ? PretrainingObjective.CausalLm : PretrainingObjective.MaskedLm;
            var corpusFiles = parse.GetValue(corpus)!;
            foreach (var file in corpusFiles)
                if (!File.Exists(file)) throw new UsageException($"Corpus file not found: {file}");
            Tokenizer tok;
            TransformerParameters parameters;
            ulong seedValue = (ulong)(parse.GetValue(seed) ?? (int)TrainerOptions.Defaults.Seed);
            if (parse.GetValue(model) is { } modelDir)
            {
                if (!Directory.Exists(modelDir)) throw new UsageException($"Model folder not found: {modelDir}");
                tok = Tokenizer.Load(parse.GetValue(tokenizer) ?? modelDir);
                parameters = Pretraining.FromCheckpoint(modelDir, out var report, seedValue);
                ModelInputs.RequireFits(tok, parse.GetValue(tokenizer) ?? modelDir, parameters.Config.VocabSize, modelDir);
                Console.Out.WriteLine($"pretrain: loaded {modelDir} ({report})");
            }
            else
            {
                var tokenizerPath = parse.GetValue(tokenizer)!;
                if (!File.Exists(tokenizerPath) && !Directory.Exists(tokenizerPath)) throw new UsageException($"Tokenizer not found: {tokenizerPath}");
                tok = Tokenizer.Load(tokenizerPath);
                var presetFamily = CommonOptions.FamilyOf(parse.GetValue(family), kind == PretrainingObjective.CausalLm ? ModelFamily.Gpt2 : ModelFamily.Bert);
                parameters = Pretraining.FromScratch(parse.GetValue(preset)!, presetFamily, tok, seedValue);
            }
            var checkpoints = Path.Combine(outputDir, CheckpointFolder);
            string? resumeFrom = null;
            if (parse.GetValue(resume))
                resumeFrom = TrainerCheckpoint.FindLatest(checkpoints) ?? throw new UsageException($"--resume: no checkpoint in {checkpoints}.");
            // A fresh model (--preset) gets the from-scratch recipe (1e-3, 64 x 64), a checkpoint the continued one (1e-4, 8 x 128).
            var recipe = parse.GetValue(preset) is null ? new PretrainingOptions() : PretrainingOptions.Defaults.FromScratch();
            var options = recipe with
            {
                Objective = kind,
                BlockSize = parse.GetValue(maxLength) ?? recipe.BlockSize,
                LineByLine = parse.GetValue(lineByLine),
                Dropout = parse.GetValue(dropout) ?? recipe.Dropout,
                Masking = recipe.Masking with
                {
                    MaskProbability = parse.GetValue(maskProbability) ?? recipe.Masking.MaskProbability,
                    WholeWordMasking = parse.GetValue(wholeWord),
                },
                Trainer = recipe.Trainer with
                {
                    LearningRate = parse.GetValue(lr) ?? recipe.Trainer.LearningRate,
                    BatchSize = parse.GetValue(batchSize) ?? recipe.Trainer.BatchSize,
                    MaxSteps = parse.GetValue(steps),
                    Epochs = parse.GetValue(epochs) ?? PretrainingOptions.Defaults.Epochs,
                    Seed = seedValue,
                    Threads = parse.GetValue(threads),
                    OutputDirectory = checkpoints,
                    CheckpointEverySteps = parse.GetValue(saveEvery) ?? 100,
                    CheckpointLimit = 2,
                    CheckpointOnCancel = true,
                },
            };
            var reader = new TextCorpusReader(corpusFiles, parse.GetValue(skipBadRows));
            var result = TrainingDisplay.Run($"pretrain {parse.GetValue(objective)}",
                progress => Pretraining.Train(parameters, tok, reader, options, null, resumeFrom, progress, token));
            Pretraining.Save(parameters, tok, outputDir);
            long trainable = parameters.Set.Layout.TrainableLength, total = parameters.Set.Layout.TotalLength;
            Console.Out.WriteLine($"pretrain: {result.GlobalStep} steps in {Counts.Seconds(result.Elapsed)}, final loss {result.LastLoss:F4}, "
                + $"{result.TokensPerSecond:N0} tokens/s, {Counts.Parameters(trainable)} trainable parameters → {outputDir}");
            if (reader.SkippedRowCount > 0) Console.Out.WriteLine($"pretrain: skipped {reader.SkippedRowCount} bad row(s).");
            if (parse.GetValue(json))
                JsonResult.Write(TrainingFields.Of(result, trainable, total, null, ("objective", parse.GetValue(objective)), ("output", outputDir), ("skipped_rows", reader.SkippedRowCount)));
            return ExitCodes.Success;
        }));
        return command;
    }
}
