// One fine-tuning run as `finetune` and `demo` do it: read and check the data, train a text classifier or
// an extractive-QA model by the chosen method through the library's task APIs, evaluate on the
// validation file, and save what `predict` can run. Composition and bookkeeping only; no training logic.
using System.Diagnostics;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Models;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Running;

/// <summary>What to fine-tune.</summary>
/// <remarks>
/// With <paramref name="Checkpoints"/> (and an output folder) the trainer keeps resumable checkpoints in OUTPUT/checkpoints every
/// <paramref name="SaveEvery"/> steps and at the moment of cancellation; <paramref name="Resume"/> continues from the latest one.
/// </remarks>
internal sealed record FineTuneRequest(
    string Task, string Method, ModelInputs Model, string TrainPath, string? ValidPath, string? OutputDirectory,
    int MaxLength, TrainerOptions Trainer, int? LoraRank = null, bool SkipBadRows = false, string Title = "finetune",
    bool Checkpoints = false, bool Resume = false, int SaveEvery = 100, float? LoraAlpha = null);

/// <summary>What a run produced.</summary>
internal sealed record FineTuneOutcome(
    TrainingResult? Result, TimeSpan Elapsed, double? TokensPerSecond, long TrainableParameters, long TotalParameters,
    IReadOnlyList<KeyValuePair<string, double>> Metrics, IReadOnlyList<(int Step, double Loss)> Curve, int SkippedRows, string? SavedNote,
    int TrainExamples = 0);

/// <summary>Runs a <see cref="FineTuneRequest"/>.</summary>
internal static class FineTuning
{
    /// <summary>Sub-folder of the output folder holding the trainer's resumable checkpoints.</summary>
    public const string CheckpointFolder = "checkpoints";

    /// <summary>The CLI's method names.</summary>
    public static readonly string[] Methods = ["full", "lora", "adapter", "features"];

    /// <summary>Maps a CLI method name to the library's enum.</summary>
    public static FineTuningMethod MethodOf(string name) => Methods.Contains(name)
        ? TaskModelManifest.MethodOf(name)
        : throw new UsageException($"Unknown method '{name}'; use one of {string.Join(", ", Methods)}.");

    /// <summary>Trains, evaluates on the validation file and saves; see <see cref="FineTuneOutcome"/>.</summary>
    /// <exception cref="UsageException">QA with feature extraction, a missing file, or --resume without a checkpoint.</exception>
    /// <exception cref="DataFormatException">A malformed row, a single label, a validation label the training data lacks, or an example the featurizer rejects.</exception>
    public static FineTuneOutcome Run(FineTuneRequest request, CancellationToken token)
    {
        var trainer = request.Trainer;
        string? resumeFrom = null;
        if (request.Checkpoints && request.OutputDirectory is not null)
        {
            var folder = Path.Combine(request.OutputDirectory, CheckpointFolder);
            trainer = trainer with { OutputDirectory = folder, CheckpointEverySteps = request.SaveEvery, CheckpointLimit = 2, CheckpointOnCancel = true };
            if (request.Resume && request.Method != "features")
                resumeFrom = TrainerCheckpoint.FindLatest(folder) ?? throw new UsageException($"--resume: no checkpoint in {folder}.");
        }
        var options = TaskOptions(request) with { Trainer = trainer };
        return request.Task == "qa" ? RunQa(request, options, resumeFrom, token) : RunClassification(request, options, resumeFrom, token);
    }

    /// <summary>
    /// The library's task options of <paramref name="request"/>: <see cref="TaskModelOptions.For"/> of its method with the
    /// request's length, trainer and LoRA overrides (the defaults live in <see cref="TaskModelOptions.Defaults"/> only).
    /// </summary>
    public static TaskModelOptions TaskOptions(FineTuneRequest request)
    {
        var defaults = TaskModelOptions.For(MethodOf(request.Method));
        return defaults with
        {
            MaxLength = request.MaxLength,
            Lora = defaults.Lora with { Rank = request.LoraRank ?? defaults.Lora.Rank, Alpha = request.LoraAlpha ?? defaults.Lora.Alpha },
            Trainer = request.Trainer,
        };
    }

    private static FineTuneOutcome RunClassification(FineTuneRequest request, TaskModelOptions options, string? resumeFrom, CancellationToken token)
    {
        var train = DataInputs.Classification(request.TrainPath, request.SkipBadRows);
        var labels = train.Labels!;
        if (labels.Count < 2)
            throw new DataFormatException(request.TrainPath, null, null, $"classification needs at least two labels; every row is labeled '{labels[0]}'.");
        var valid = request.ValidPath is null ? null : DataInputs.Classification(request.ValidPath, request.SkipBadRows);
        // A validation label the training data never shows cannot be scored: stop before training, naming the row.
        if (valid is not null) DataInputs.RequireKnownLabels(valid, labels, "the training data");
        var clock = Stopwatch.StartNew();
        var classifier = DataInputs.Guard(request.TrainPath, () => TrainingDisplay.Run(request.Title,
            progress => TextClassifier.Train(request.Model.Source, request.Model.Tokenizer, train.Examples, options, labels, null, progress, token, resumeFrom)));
        clock.Stop();
        var metrics = new List<KeyValuePair<string, double>>();
        if (valid is not null)
        {
            var m = DataInputs.Guard(valid.Path, () => TrainingDisplay.RunCounted("validation", valid.Count, progress => classifier.Evaluate(valid.Examples, token, progress)));
            metrics.Add(new("accuracy", m.Accuracy));
            metrics.Add(new("macro_f1", m.MacroF1));
            if (m.Auc is { } auc) metrics.Add(new("auc", auc));
            metrics.Add(new("log_loss", m.LogLoss));
        }
        var layout = classifier.Parameters.Set.Layout;
        long adapter = (classifier.Lora?.ParameterCount ?? 0) + (classifier.Adapter?.ParameterCount ?? 0);
        long trainable = options.Method == FineTuningMethod.FeatureExtraction
            ? (long)(classifier.Parameters.Config.HiddenSize + 1) * classifier.Labels.Count
            : layout.TrainableLength + adapter;
        var curve = classifier.TrainingResult?.History.Select(h => (h.Step, h.Loss)).ToList()
            ?? classifier.FeatureHeadLosses?.Select((l, i) => (i + 1, (double)l)).ToList() ?? [];
        string? note = null;
        if (request.OutputDirectory is not null)
        {
            classifier.Save(request.OutputDirectory, request.Model.Description);
            note = SavedNote(request.Method, "classification head");
        }
        return new FineTuneOutcome(classifier.TrainingResult, clock.Elapsed, classifier.TrainingResult?.TokensPerSecond, trainable,
            layout.TotalLength + adapter, metrics, curve, train.Skipped, note, train.Count);
    }

    private static FineTuneOutcome RunQa(FineTuneRequest request, TaskModelOptions options, string? resumeFrom, CancellationToken token)
    {
        var train = DataInputs.Squad(request.TrainPath, request.SkipBadRows);
        var valid = request.ValidPath is null ? null : DataInputs.Squad(request.ValidPath, request.SkipBadRows);
        var clock = Stopwatch.StartNew();
        var qa = DataInputs.Guard(request.TrainPath, () => TrainingDisplay.Run(request.Title,
            progress => QuestionAnswering.Train(request.Model.Source, request.Model.Tokenizer, train.Examples, options, TaskModelOptions.Defaults.QaStride(request.MaxLength), progress, token, resumeFrom)));
        clock.Stop();
        var metrics = new List<KeyValuePair<string, double>>();
        if (valid is not null)
        {
            var m = DataInputs.Guard(valid.Path, () => TrainingDisplay.RunCounted("validation", valid.Examples.Count, progress => qa.Evaluate(valid.Examples, valid.Version, null, token, progress)));
            metrics.Add(new("exact_match", m.ExactMatch));
            metrics.Add(new("f1", m.F1));
        }
        var layout = qa.Parameters.Set.Layout;
        long adapter = (qa.Lora?.ParameterCount ?? 0) + (qa.Adapter?.ParameterCount ?? 0);
        var curve = qa.TrainingResult?.History.Select(h => (h.Step, h.Loss)).ToList() ?? [];
        string? note = null;
        if (request.OutputDirectory is not null)
        {
            qa.Save(request.OutputDirectory, request.Model.Description);
            note = SavedNote(request.Method, "QA head");
        }
        return new FineTuneOutcome(qa.TrainingResult, clock.Elapsed, qa.TrainingResult?.TokensPerSecond, layout.TrainableLength + adapter,
            layout.TotalLength + adapter, metrics, curve, train.Skipped, note, train.Examples.Count);
    }

    private static string SavedNote(string method, string head) => method switch
    {
        "lora" => $"base model with the {head}, and the LoRA adapter in adapter/ (PEFT layout)",
        "adapter" => $"base model with the {head}, and the bottleneck adapters in adapter/",
        "features" => "frozen encoder, and the softmax-regression head in feature_head.safetensors",
        _ => $"Hugging Face folder with the {head}",
    };
}
