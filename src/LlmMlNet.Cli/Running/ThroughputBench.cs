// `llmmlnet bench`'s measurement (issue 4): a 2-class sequence classifier of a size preset (vocabulary
// 30522, as the PyTorch comparison uses) timed for `steps` steps after `warmup` steps, median step time.
// infer: eval forward on random ids through the model and head. train / lora: full or rank-8 LoRA
// (query, value) steps through the public TextClassifier API on texts of random whole-word tokens
// (so tokenization of each batch is inside the step). Composition only; no kernels or training logic.
using System.Diagnostics;
using LlmMlNet.Tensors;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Synthetic;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Running;

/// <summary>One bench configuration.</summary>
internal sealed record BenchRequest(string Preset, string Mode, int BatchSize, int MaxLength, int Steps, int Warmup, int? Threads);

/// <summary>What the bench measured.</summary>
internal sealed record BenchResult(double MedianStepSeconds, IReadOnlyList<double> StepSeconds, long TrainableParameters, long TotalParameters, bool IncludesTokenization)
{
    /// <summary>Batch tokens over the median step time.</summary>
    public double TokensPerSecond(BenchRequest r) => r.BatchSize * (double)r.MaxLength / MedianStepSeconds;
}

/// <summary>Runs a <see cref="BenchRequest"/>.</summary>
internal static class ThroughputBench
{
    /// <summary>The vocabulary of the benchmark model (BERT's, as the PyTorch reference uses).</summary>
    public const int Vocabulary = 30522;

    /// <summary>Times the request's mode.</summary>
    public static BenchResult Run(BenchRequest request, CancellationToken token)
    {
        int previous = EngineSettings.Threads;
        if (request.Threads is { } threads) EngineSettings.Threads = threads;
        try
        {
            return request.Mode == "infer" ? Infer(request, token) : Train(request, token);
        }
        finally
        {
            EngineSettings.Threads = previous;
        }
    }

    private static BenchResult Infer(BenchRequest r, CancellationToken token)
    {
        var config = SizePresets.Create(r.Preset, ModelFamily.Bert, Vocabulary);
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Pooler, KeyGroup.Classification }, seed: 1);
        var model = new TransformerModel(parameters, r.BatchSize, r.MaxLength);
        var task = new TransformerTask(model, m => new SequenceClassificationHead(m));
        model.IsTraining = false;
        var random = new Random(1);
        var ids = Enumerable.Range(0, r.BatchSize * r.MaxLength).Select(_ => random.Next(1000, Vocabulary)).ToArray();
        var batch = new ModelBatch(r.BatchSize, r.MaxLength, ids);
        var times = new List<double>();
        for (int step = 0; step < r.Warmup + r.Steps; step++)
        {
            token.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            task.Forward(batch);
            if (step >= r.Warmup) times.Add(clock.Elapsed.TotalSeconds);
        }
        return new BenchResult(Median(times), times, 0, parameters.Set.Layout.TotalLength, IncludesTokenization: false);
    }

    private static BenchResult Train(BenchRequest r, CancellationToken token)
    {
        var words = SyntheticLexicon.Default.AllWords().Distinct().ToArray();
        var tokenizer = Tokenizer.CreateWordPiece(WordPieceVocabularyBuilder.Build(words));
        var random = new Random(1);
        // Each text is MaxLength - 2 whole-word tokens, so every input is exactly MaxLength with [CLS] and [SEP].
        var examples = Enumerable.Range(0, (r.Warmup + r.Steps + 1) * r.BatchSize)
            .Select(i => new TextClassificationExample(string.Join(' ', Enumerable.Range(0, r.MaxLength - 2).Select(_ => words[random.Next(words.Length)])),
                null, i % 2 == 0 ? "negative" : "positive"))
            .ToList();
        var options = new TaskModelOptions
        {
            Method = r.Mode == "lora" ? FineTuningMethod.Lora : FineTuningMethod.Full,
            MaxLength = r.MaxLength,
            Lora = new() { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] },
            Trainer = new TrainerOptions { BatchSize = r.BatchSize, MaxSteps = r.Warmup + r.Steps + 1, Threads = r.Threads, ShuffleBufferSize = 1, LearningRate = 1e-4f },
        };
        var source = ModelSource.FromScratch(SizePresets.Create(r.Preset, ModelFamily.Bert, Vocabulary), seed: 1);
        var classifier = TextClassifier.Train(source, tokenizer, examples, options, cancellationToken: token);
        // History[i].Elapsed is the time at the end of step i + 1; differences are step times (the first step has no start mark).
        var ends = classifier.TrainingResult!.History.Select(h => h.Elapsed.TotalSeconds).ToArray();
        var times = ends.Zip(ends.Skip(1), (a, b) => b - a).Skip(r.Warmup).ToList();
        var layout = classifier.Parameters.Set.Layout;
        long adapter = classifier.Lora?.ParameterCount ?? 0;
        return new BenchResult(Median(times), times, layout.TrainableLength + adapter, layout.TotalLength + adapter, IncludesTokenization: true);
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
