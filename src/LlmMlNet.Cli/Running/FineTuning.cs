// One fine-tuning run as `finetune` and `demo` do it: read and check the data, train a text classifier or
// an extractive-QA model by the chosen method through the library's task APIs, evaluate on the
// validation file, and save what `predict` can run. Composition and bookkeeping only; no training logic.
using System.Diagnostics;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Models;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Running;

/// <summary>What to fine-tune.</summary>
internal sealed record FineTuneRequest(
    string Task, string Method, ModelInputs Model, string TrainPath, string? ValidPath, string? OutputDirectory,
    int MaxLength, TrainerOptions Trainer, int LoraRank = 8, bool SkipBadRows = false, string Title = "finetune");

/// <summary>What a run produced.</summary>
internal sealed record FineTuneOutcome(
    TrainingResult? Result, TimeSpan Elapsed, double? TokensPerSecond, long TrainableParameters, long TotalParameters,
    IReadOnlyList<KeyValuePair<string, double>> Metrics, IReadOnlyList<(int Step, double Loss)> Curve, int SkippedRows, string? SavedNote);

/// <summary>Runs a <see cref="FineTuneRequest"/>.</summary>
internal static class FineTuning
{
    /// <summary>The CLI's method names.</summary>
    public static readonly string[] Methods = ["full", "lora", "adapter", "features"];

    /// <summary>Maps a CLI method name to the library's enum.</summary>
    public static FineTuningMethod MethodOf(string name) => name switch
    {
        "full" => FineTuningMethod.Full,
        "lora" => FineTuningMethod.Lora,
        "adapter" => FineTuningMethod.Adapter,
        "features" => FineTuningMethod.FeatureExtraction,
        _ => throw new UsageException($"Unknown method '{name}'; use one of {string.Join(", ", Methods)}."),
    };

    /// <summary>Trains, evaluates on the validation file and saves; see <see cref="FineTuneOutcome"/>.</summary>
    /// <exception cref="UsageException">QA with feature extraction, or a missing file.</exception>
    public static FineTuneOutcome Run(FineTuneRequest request, CancellationToken token)
    {
        var options = new TaskModelOptions
        {
            Method = MethodOf(request.Method),
            MaxLength = request.MaxLength,
            Lora = new LoraOptions { Rank = request.LoraRank, Alpha = request.LoraRank },
            Trainer = request.Trainer,
        };
        return request.Task == "qa" ? RunQa(request, options, token) : RunClassification(request, options, token);
    }

    private static FineTuneOutcome RunClassification(FineTuneRequest request, TaskModelOptions options, CancellationToken token)
    {
        var (train, skipped) = DataInputs.Classification(request.TrainPath, request.SkipBadRows);
        var valid = request.ValidPath is null ? null : DataInputs.Classification(request.ValidPath, request.SkipBadRows).Examples;
        // A validation label the training data never shows cannot be scored: stop before training, naming the row.
        var labels = LabelMap.FromExamples(train);
        foreach (var example in valid ?? [])
            if (example.Label is null || !labels.TryGetIndex(example.Label, out _))
                throw new DataFormatException(request.ValidPath!, example.LineNumber, null,
                    $"label '{example.Label}' does not occur in the training data ({string.Join(", ", labels.Labels)}).");
        var clock = Stopwatch.StartNew();
        var classifier = TrainingDisplay.Run(request.Title,
            progress => TextClassifier.Train(request.Model.Source, request.Model.Tokenizer, train, options, null, null, progress, token));
        clock.Stop();
        var metrics = new List<KeyValuePair<string, double>>();
        if (valid is not null)
        {
            var m = classifier.Evaluate(valid, token);
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
        string? note = request.OutputDirectory is null ? null : SaveClassifier(classifier, request);
        return new FineTuneOutcome(classifier.TrainingResult, clock.Elapsed, classifier.TrainingResult?.TokensPerSecond, trainable,
            layout.TotalLength + adapter, metrics, curve, skipped, note);
    }

    private static FineTuneOutcome RunQa(FineTuneRequest request, TaskModelOptions options, CancellationToken token)
    {
        if (options.Method == FineTuningMethod.FeatureExtraction)
            throw new UsageException("--task qa needs token states: use --method full, lora or adapter.");
        var (train, _, skipped) = DataInputs.Squad(request.TrainPath, request.SkipBadRows);
        var valid = request.ValidPath is null ? default : DataInputs.Squad(request.ValidPath, request.SkipBadRows);
        var clock = Stopwatch.StartNew();
        var qa = TrainingDisplay.Run(request.Title,
            progress => QuestionAnswering.Train(request.Model.Source, request.Model.Tokenizer, train, options, request.MaxLength / 4, progress, token));
        clock.Stop();
        var metrics = new List<KeyValuePair<string, double>>();
        if (valid.Examples is not null)
        {
            var m = qa.Evaluate(valid.Examples, valid.Version, null, token);
            metrics.Add(new("exact_match", m.ExactMatch));
            metrics.Add(new("f1", m.F1));
        }
        var layout = qa.Parameters.Set.Layout;
        long adapter = (qa.Lora?.ParameterCount ?? 0) + (qa.Adapter?.ParameterCount ?? 0);
        var curve = qa.TrainingResult?.History.Select(h => (h.Step, h.Loss)).ToList() ?? [];
        string? note = request.OutputDirectory is null ? null : SaveQa(qa, request);
        return new FineTuneOutcome(qa.TrainingResult, clock.Elapsed, qa.TrainingResult?.TokensPerSecond, layout.TrainableLength + adapter,
            layout.TotalLength + adapter, metrics, curve, skipped, note);
    }

    /// <summary>
    /// Full: the Hugging Face folder with the head. LoRA: the PEFT adapter in adapter/, then the update merged into the
    /// base and saved as a plain folder (the in-memory classifier is not used afterwards). Bottleneck: adapter/ only.
    /// </summary>
    private static string SaveClassifier(TextClassifier classifier, FineTuneRequest request)
    {
        var dir = request.OutputDirectory!;
        Directory.CreateDirectory(dir);
        var manifest = new TaskModelManifest("classification", request.Method, request.MaxLength, request.Model.Description);
        string note;
        switch (request.Method)
        {
            case "full":
                classifier.Parameters.Save(dir, null);
                request.Model.Tokenizer.Save(dir);
                note = "Hugging Face folder with the classification head";
                break;
            case "lora":
                classifier.SaveAdapter(Path.Combine(dir, "adapter"), request.Model.Description);
                classifier.Lora!.Merge(classifier.Parameters.Set);
                classifier.Parameters.Save(dir, null);
                request.Model.Tokenizer.Save(dir);
                note = "PEFT adapter in adapter/, and the merged model";
                break;
            case "adapter":
                classifier.SaveAdapter(Path.Combine(dir, "adapter"));
                note = "bottleneck adapter in adapter/ (predict cannot run it yet)";
                break;
            default:
                note = "nothing saved: the feature-extraction head has no file format yet";
                break;
        }
        manifest.Save(dir);
        return note;
    }

    private static string SaveQa(QuestionAnswering qa, FineTuneRequest request)
    {
        var dir = request.OutputDirectory!;
        Directory.CreateDirectory(dir);
        string note;
        if (request.Method == "adapter")
        {
            qa.SaveAdapter(Path.Combine(dir, "adapter"));
            note = "bottleneck adapter in adapter/ (predict cannot run it yet)";
        }
        else
        {
            if (request.Method == "lora")
            {
                qa.SaveAdapter(Path.Combine(dir, "adapter"), request.Model.Description);
                qa.Lora!.Merge(qa.Parameters.Set);
            }
            qa.Parameters.Save(dir, null);
            request.Model.Tokenizer.Save(dir);
            note = "Hugging Face folder with the QA head";
        }
        new TaskModelManifest("qa", request.Method, request.MaxLength, request.Model.Description).Save(dir);
        return note;
    }
}
