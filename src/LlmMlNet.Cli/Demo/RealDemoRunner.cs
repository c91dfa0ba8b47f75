// `demo --real`: the demo's claim on the user's own text. Masked-LM pre-training of a fresh encoder on the unlabeled
// files, then full and LoRA fine-tuning of it on the labeled training file, and the same architecture (same initial
// weights) fine-tuned from scratch as the control, each scored on the test file; checkpoints kept along pre-training
// are fine-tuned too, for the curve of accuracy against pre-training steps. Composition only (Pretraining, FineTuning).
using System.Diagnostics;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Running;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Demo;

/// <summary>What `demo --real` measured.</summary>
/// <param name="Rows">The table.</param>
/// <param name="MarkdownPath">results.md.</param>
/// <param name="SvgPath">curves.svg (training losses).</param>
/// <param name="AccuracySvgPath">accuracy.svg (test accuracy against pre-training steps).</param>
/// <param name="Fields">The --json fields.</param>
internal sealed record RealDemoReport(IReadOnlyList<DemoRow> Rows, string MarkdownPath, string SvgPath, string AccuracySvgPath,
    IReadOnlyList<KeyValuePair<string, object?>> Fields);

/// <summary>The user's files.</summary>
/// <param name="Unlabeled">Pre-training text (.txt, or the text column of .tsv/.csv/.jsonl).</param>
/// <param name="Train">Labeled training file.</param>
/// <param name="Test">Labeled test file, never trained on.</param>
/// <param name="Tokenizer">Tokenizer file or folder.</param>
internal sealed record RealDemoFiles(IReadOnlyList<string> Unlabeled, string Train, string Test, string Tokenizer);

/// <summary>Runs `demo --real`.</summary>
internal sealed class RealDemoRunner(RealDemoSettings settings, RealDemoFiles files, string outputDirectory, int? threads, ulong seed)
{
    private readonly List<DemoRow> _rows = [];
    private readonly List<ChartSeries> _curves = [];

    /// <summary>Runs every step; progress goes to the console.</summary>
    /// <exception cref="UsageException">A missing file.</exception>
    /// <exception cref="DataFormatException">A malformed row or a single label.</exception>
    public RealDemoReport Run(CancellationToken token)
    {
        var unlabeled = UnlabeledText.Open(files.Unlabeled, skipBadRows: false);
        DataInputs.Classification(files.Test, false);
        var tokenizer = ModelInputs.LoadTokenizer(files.Tokenizer);
        Directory.CreateDirectory(outputDirectory);
        Say($"pre-training a {settings.Preset} BERT ({tokenizer.VocabularySize} tokens) for {settings.PretrainSteps} steps on {string.Join(", ", files.Unlabeled)}");

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (pretrained, pretrainResult) = Pretrain(tokenizer, unlabeled, token);
        var pretrainCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var fromPretrained = new ModelInputs(tokenizer, ModelSource.FromCheckpoint(pretrained, seed), pretrained);
        var full = FineTune("full", fromPretrained, settings.FullLearningRate, "full fine-tuning", "pretrained-full", true);
        var lora = FineTune("lora", fromPretrained, settings.LoraLearningRate, "LoRA (all linear, r 8)", "pretrained-lora", true);
        var scratch = FineTune("full", new ModelInputs(tokenizer, ModelSource.FromParameters(Fresh(tokenizer), seed), $"fresh {settings.Preset}"),
            settings.ScratchLearningRate, "full, from scratch (control)", "scratch-full", true);
        var finetuneCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var finetuneTime = full.Elapsed + lora.Elapsed + scratch.Elapsed;

        var curve = Curve(tokenizer, token);
        // The checkpoints hold optimizer moments too (three times the model); once fine-tuned they are not needed.
        if (Directory.Exists(CheckpointFolder)) Directory.Delete(CheckpointFolder, recursive: true);
        curve.Insert(0, (0, Accuracy(scratch)));
        curve.Add((pretrainResult.GlobalStep, Accuracy(full)));

        var markdown = Path.Combine(outputDirectory, "results.md");
        DataFiles.WriteAtomically(markdown, (TextWriter w) => w.Write(DemoRow.Markdown(_rows)));
        var svg = Path.Combine(outputDirectory, "curves.svg");
        DataFiles.WriteAtomically(svg, (TextWriter w) => w.Write(SvgLineChart.Render("LlmMlNet demo --real: training loss", "optimizer step", "loss", _curves)));
        var accuracySvg = Path.Combine(outputDirectory, "accuracy.svg");
        DataFiles.WriteAtomically(accuracySvg, (TextWriter w) => w.Write(SvgLineChart.Render("test accuracy of full fine-tuning against pre-training steps",
            "masked-LM steps", "accuracy", [
                new ChartSeries("pre-trained, then full fine-tuning", curve.Select(c => ((double)c.Step, c.Accuracy)).ToList()),
                new ChartSeries("from scratch (control)", [(0, Accuracy(scratch)), (pretrainResult.GlobalStep, Accuracy(scratch))]),
            ])));
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("pretrained_full_accuracy", Math.Round(Accuracy(full), 4)),
            new("pretrained_lora_accuracy", Math.Round(Accuracy(lora), 4)),
            new("scratch_accuracy", Math.Round(Accuracy(scratch), 4)),
            new("pretrain_seconds", Math.Round(pretrainResult.Elapsed.TotalSeconds, 1)),
            new("finetune_seconds", Math.Round(finetuneTime.TotalSeconds, 1)),
            new("pretrain_cpu_seconds", Math.Round(pretrainCpu.TotalSeconds, 1)),
            new("finetune_cpu_seconds", Math.Round(finetuneCpu.TotalSeconds, 1)),
            new("pretrain_steps", pretrainResult.GlobalStep),
            new("final_mlm_loss", Math.Round(pretrainResult.LastLoss, 4)),
            new("train_examples", full.TrainExamples),
            new("curve", curve.Select(c => new Dictionary<string, double> { ["step"] = c.Step, ["accuracy"] = Math.Round(c.Accuracy, 4) }).ToList()),
            new("peak_memory_mb", JsonResult.PeakMemoryMb()),
        };
        return new RealDemoReport(_rows, markdown, svg, accuracySvg, fields);

        FineTuneOutcome FineTune(string method, ModelInputs inputs, float rate, string label, string name, bool save)
        {
            var folder = save ? Path.Combine(outputDirectory, "models", name) : null;
            var trainer = TaskModelOptions.Defaults.Trainer(FineTuning.MethodOf(method)) with
            {
                LearningRate = rate, Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = seed, Threads = threads,
            };
            var outcome = FineTuning.Run(new FineTuneRequest("classification", method, inputs, files.Train, files.Test, folder, settings.MaxLength, trainer,
                Title: $"sentiment {name}"), token);
            _rows.Add(new DemoRow("sentiment", label, outcome.TrainableParameters, outcome.Elapsed, outcome.TokensPerSecond,
                $"accuracy {Accuracy(outcome):F3}", folder));
            if (save) _curves.Add(new ChartSeries($"sentiment {name}", outcome.Curve.Select(c => ((double)c.Step, c.Loss)).ToList()));
            return outcome;
        }

        // Every kept pre-training checkpoint but the last (the model above), fine-tuned by the full recipe without saving.
        List<(int Step, double Accuracy)> Curve(Tokenizer tok, CancellationToken cancel)
        {
            var points = new List<(int, double)>();
            foreach (var (step, path) in TrainerCheckpoint.List(CheckpointFolder))
            {
                if (step >= settings.PretrainSteps) continue;
                cancel.ThrowIfCancellationRequested();
                var parameters = Fresh(tok);
                TrainerCheckpoint.LoadValues(path, parameters.Set);
                var outcome = FineTune("full", new ModelInputs(tok, ModelSource.FromParameters(parameters, seed), $"pre-trained {step} steps"),
                    settings.FullLearningRate, $"full, after {step} pre-training steps", $"curve-{step}", false);
                points.Add((step, Accuracy(outcome)));
            }
            return points;
        }
    }

    private string CheckpointFolder => Path.Combine(outputDirectory, "pretrain-checkpoints");

    private TransformerParameters Fresh(Tokenizer tokenizer) => Pretraining.FromScratch(settings.Preset, ModelFamily.Bert, tokenizer, seed);

    /// <summary>The pre-training run's options: the library's from-scratch recipe with this demo's sizes, rates and masking.</summary>
    internal PretrainingOptions PretrainOptions()
    {
        var recipe = PretrainingOptions.Defaults.FromScratch();
        return recipe with
        {
            Objective = PretrainingObjective.MaskedLm,
            BlockSize = settings.BlockSize,
            Dropout = settings.PretrainDropout,
            Masking = recipe.Masking with { WholeWordMasking = settings.WholeWordMasking },
            Trainer = recipe.Trainer with
            {
                LearningRate = settings.PretrainLearningRate,
                BatchSize = settings.PretrainBatchSize,
                MaxSteps = settings.PretrainSteps,
                Seed = seed,
                Threads = threads,
                // Reviews arrive file by file; a buffer larger than the corpus's blocks mixes the files from the first step.
                ShuffleBufferSize = 100_000,
                OutputDirectory = CheckpointFolder,
                CheckpointEverySteps = settings.CurveEvery,
            },
        };
    }

    private (string Folder, TrainingResult Result) Pretrain(Tokenizer tokenizer, IEnumerable<CorpusLine> corpus, CancellationToken token)
    {
        var parameters = Fresh(tokenizer);
        var folder = Path.Combine(outputDirectory, "models", "pretrained-mlm");
        var options = PretrainOptions();
        var result = TrainingDisplay.Run("pre-train (masked LM)", progress => Pretraining.Train(parameters, tokenizer, corpus, options, null, null, progress, token));
        Pretraining.Save(parameters, tokenizer, folder);
        _rows.Add(new DemoRow("pre-training", $"masked LM, {result.GlobalStep} steps", parameters.Set.Layout.TrainableLength, result.Elapsed, result.TokensPerSecond,
            $"loss {result.History[0].Loss:F2} → {result.LastLoss:F2}", folder));
        _curves.Add(new ChartSeries("pre-training (MLM)", result.History.Select(h => ((double)h.Step, h.Loss)).ToList()));
        return (folder, result);
    }

    private static double Accuracy(FineTuneOutcome outcome) => outcome.Metrics.First(m => m.Key == "accuracy").Value;

    private static void Say(string line) => Console.Out.WriteLine($"demo: {line}");
}
