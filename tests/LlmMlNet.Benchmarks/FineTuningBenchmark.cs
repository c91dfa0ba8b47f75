// The `finetuning` benchmark suite: training step time and tokens/s of full fine-tuning, LoRA (r 8 on query
// and value), bottleneck adapters and feature extraction on the `mini` preset BERT (4 layers, hidden 256) at
// batch 32 × 128, through the public TextClassifier API, beside PyTorch's full/LoRA/inference steps
// (python/bert_bench.py) when /usr/bin/python3 has torch. Not a test: nothing is asserted; medians after warm-up.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlmMlNet.Tensors;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Benchmarks;

/// <summary>Per-step cost of the fine-tuning methods.</summary>
public static class FineTuningBenchmark
{
    private const int Batch = 32, Length = 128;

    /// <summary>Runs the suite. Options: --steps N (timed steps, default 5), --warmup N (default 2), --threads N (default 2), --no-torch.</summary>
    public static int Run(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int steps = int.Parse(Option("--steps") ?? "5", CultureInfo.InvariantCulture);
        int warmup = int.Parse(Option("--warmup") ?? "2", CultureInfo.InvariantCulture);
        int threads = int.Parse(Option("--threads") ?? "2", CultureInfo.InvariantCulture);
        var words = SyntheticLexicon.Default.AllWords().Distinct().ToArray();
        var tokenizer = Tokenizer.CreateWordPiece(WordPieceVocabularyBuilder.Build(words));
        // Every text is 126 whole-word tokens, so each input is exactly 128 with [CLS] and [SEP].
        var random = new Random(1);
        var examples = Enumerable.Range(0, (warmup + steps) * Batch)
            .Select(i => new TextClassificationExample(string.Join(' ', Enumerable.Range(0, Length - 2).Select(_ => words[random.Next(words.Length)])), null,
                i % 2 == 0 ? "negative" : "positive"))
            .ToList();
        var config = SizePresets.Create("mini", ModelFamily.Bert, tokenizer.VocabularySize);
        var source = ModelSource.FromScratch(config, seed: 1);
        Console.WriteLine($"finetuning: BERT mini (4 layers, hidden 256, vocab {config.VocabSize}), batch {Batch} x {Length}, {threads} threads, " +
            $"median of {steps} steps after {warmup} warm-up; {Environment.ProcessorCount} logical CPUs");
        var results = new Dictionary<FineTuningMethod, double>();
        foreach (var method in Enum.GetValues<FineTuningMethod>())
        {
            var options = new TaskModelOptions
            {
                Method = method,
                MaxLength = Length,
                Lora = new() { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] },
                FeatureHead = new() { Steps = 1 },
                Trainer = new TrainerOptions { BatchSize = Batch, MaxSteps = warmup + steps, Threads = threads, ShuffleBufferSize = 1, LearningRate = 1e-4f },
            };
            double seconds;
            if (method == FineTuningMethod.FeatureExtraction)
            {
                // A trained feature-extraction classifier's per-batch cost is one eval forward + pooling (+ a tiny head):
                // that is what embedding the training set once costs per batch.
                int saved = EngineSettings.Threads;
                EngineSettings.Threads = threads;
                try
                {
                    var classifier = TextClassifier.Train(source, tokenizer, examples.Take(Batch), options);
                    var inputs = examples.Select(e => (e.Text, (string?)null)).ToList();
                    classifier.PredictProbabilities(inputs.Take(Batch).ToList());
                    var clock = Stopwatch.StartNew();
                    classifier.PredictProbabilities(inputs);
                    seconds = clock.Elapsed.TotalSeconds / (warmup + steps);
                }
                finally { EngineSettings.Threads = saved; }
            }
            else
            {
                var result = TextClassifier.Train(source, tokenizer, examples, options).TrainingResult!;
                var ends = result.History.Select(h => h.Elapsed.TotalSeconds).ToArray();
                var durations = ends.Zip(ends.Skip(1), (a, b) => b - a).Skip(Math.Max(0, warmup - 1)).OrderBy(d => d).ToArray();
                seconds = durations[durations.Length / 2];
            }
            results[method] = seconds;
        }
        var torch = args.Contains("--no-torch") ? null : RunTorch(threads, steps, warmup);
        Console.WriteLine();
        Console.WriteLine($"{"method",-18} {"s/step",8} {"tokens/s",10} {"vs full",8} {"torch s/step",13} {"torch vs full",14}");
        foreach (var (method, seconds) in results)
        {
            string torchMode = method switch { FineTuningMethod.Full => "train", FineTuningMethod.Lora => "lora", FineTuningMethod.FeatureExtraction => "infer", _ => "" };
            double? t = torch is not null && torch.TryGetValue(torchMode, out double v) ? v : null;
            double? tRatio = t is { } tv && torch!.TryGetValue("train", out double tf) ? tv / tf : null;
            Console.WriteLine($"{method,-18} {seconds,8:F3} {Batch * Length / seconds,10:F0} {seconds / results[FineTuningMethod.Full],8:P0} " +
                $"{(t is { } x ? x.ToString("F3", CultureInfo.InvariantCulture) : "-"),13} {(tRatio is { } r ? r.ToString("P0", CultureInfo.InvariantCulture) : "-"),14}");
        }
        Console.WriteLine("(feature extraction: one eval forward + pooling per batch, tokenization included, mean over all batches; the head then trains on the stored embeddings)");
        return 0;
    }

    private static Dictionary<string, double>? RunTorch(int threads, int steps, int warmup)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "python", "bert_bench.py");
        if (!File.Exists("/usr/bin/python3") || !File.Exists(script)) return null;
        var times = new Dictionary<string, double>();
        foreach (var mode in new[] { "train", "lora", "infer" })
        {
            var info = new ProcessStartInfo("/usr/bin/python3", $"{script} --preset mini --mode {mode} --batch-size {Batch} --max-length {Length} " +
                $"--steps {steps} --warmup {warmup} --threads {threads}") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info)!;
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            if (process.ExitCode != 0 || line is null) return times.Count == 0 ? null : times;
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("step_ms", out var value)) times[mode] = value.GetDouble() / 1000;
        }
        return times;
    }
}
