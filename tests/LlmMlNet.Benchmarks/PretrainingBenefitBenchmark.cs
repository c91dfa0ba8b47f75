// The `pretraining-benefit` suite: issue 5's central claim, measured. It writes the synthetic suite,
// pre-trains a tiny BERT by masked LM on the unlabeled corpus, fine-tunes it (full) on the few hundred
// sentiment labels, fine-tunes the same architecture from scratch with the same budget, and prints both
// test accuracies, overall and on the test items whose polarity words the labels never showed. Not a
// test: nothing is asserted, and timings are disturbed by whatever else runs on the machine.
using System.Diagnostics;
using System.Globalization;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Synthetic;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Benchmarks;

/// <summary>Pre-trained-then-fine-tuned vs from-scratch accuracy on the few-label synthetic sentiment task.</summary>
public static class PretrainingBenefitBenchmark
{
    /// <summary>
    /// Runs the suite. Options: --steps N MLM steps (default 1500; --quick 300), --epochs N fine-tuning epochs (default 20;
    /// --quick 10), --train N labels (300), --seed N (1), --threads N (default 2), --preset NAME (tiny), --rate R fine-tuning
    /// learning rate (3e-4), --method Full|Lora|Adapter|FeatureExtraction (Full), --pooling Cls|Mean|Pooler (Cls), --words N hidden-polarity
    /// words per class (80, the default lexicon), --out DIR (default a temp folder; a pre-trained checkpoint of the same preset and steps found there is reused).
    /// </summary>
    public static int Run(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        bool quick = args.Contains("--quick");
        int steps = Int("--steps", quick ? 300 : 1500), epochs = Int("--epochs", quick ? 10 : 20), trainCount = Int("--train", 300);
        int seed = Int("--seed", 1), threads = Int("--threads", 2);
        var preset = Option("--preset") ?? "tiny";
        float rate = Option("--rate") is { } r ? float.Parse(r, CultureInfo.InvariantCulture) : 3e-4f;
        var method = Enum.Parse<FineTuningMethod>(Option("--method") ?? "Full", ignoreCase: true);
        var pooling = Enum.Parse<PoolingMode>(Option("--pooling") ?? "Cls", ignoreCase: true);
        var folder = Option("--out") ?? Path.Combine(Path.GetTempPath(), $"llmmlnet-pretraining-benefit-{seed}");
        var clock = Stopwatch.StartNew();

        int wordsPerPolarity = Int("--words", 80);
        var lexicon = new SyntheticLexicon(0, wordsPerPolarity);
        folder = Path.Combine(folder, $"words-{wordsPerPolarity}");
        var suiteOptions = new SyntheticSuiteOptions { Seed = seed, Lexicon = lexicon, Sentiment = new SentimentDatasetOptions { TrainCount = trainCount } };
        var files = SyntheticSuite.Write(folder, suiteOptions);
        // The same call SyntheticSuite made for sentiment-*.tsv, in memory, for the seen-word list.
        var data = SentimentDatasetGenerator.Generate(seed, suiteOptions.Sentiment with { ClassCount = 2 }, lexicon);
        var unseen = data.UnseenWordTest;
        var tokenizerFolder = Path.Combine(folder, "tokenizer");
        Directory.CreateDirectory(tokenizerFolder);
        File.Copy(files.Vocabulary, Path.Combine(tokenizerFolder, "vocab.txt"), overwrite: true);
        var tokenizer = Tokenizer.Load(tokenizerFolder);
        Console.WriteLine($"pretraining-benefit: preset {preset}, seed {seed}, {threads} thread(s), {data.Train.Count} labels " +
                          $"({data.SeenWords.Count} seen polarity words), test {data.Test.Count} ({unseen.Count} with unseen words only), " +
                          $"data in {folder}, load average {LoadAverage()}");
        var cooccurrence = CorpusCueScore(files.Corpus, lexicon);
        Console.WriteLine($"corpus cue co-occurrence (no model): test {Accuracy(data.Test, cooccurrence):F3}, unseen {Accuracy(unseen, cooccurrence):F3}");

        // A finished pre-training run is kept beside the data and reused, so fine-tuning settings can be compared cheaply.
        var checkpoint = Path.Combine(folder, $"mlm-{preset}-{steps}");
        if (File.Exists(Path.Combine(checkpoint, "config.json")))
        {
            Console.WriteLine($"MLM pre-training: reusing {checkpoint}");
            return FineTuneBoth(Pretraining.FromCheckpoint(checkpoint, out _, (ulong)seed));
        }
        var pretrained = Pretraining.FromScratch(preset, ModelFamily.Bert, tokenizer, (ulong)seed);
        var pretrainOptions = new PretrainingOptions
        {
            Objective = PretrainingObjective.MaskedLm,
            BlockSize = 64,
            Trainer = new TrainerOptions { LearningRate = 1e-3f, WarmupRatio = 0.06, BatchSize = 32, MaxSteps = steps, Epochs = 100, Seed = (ulong)seed, Threads = threads },
        };
        var mlmClock = Stopwatch.StartNew();
        var mlm = Pretraining.Train(pretrained, tokenizer, new TextCorpusReader([files.Corpus]), pretrainOptions);
        Console.WriteLine($"MLM pre-training: {steps} steps, loss {mlm.History[0].Loss:F2} -> {mlm.LastLoss:F2}, {mlmClock.Elapsed.TotalSeconds:F0} s");
        Pretraining.Save(pretrained, tokenizer, checkpoint);
        return FineTuneBoth(pretrained);

        int FineTuneBoth(TransformerParameters pretrainedModel)
        {
            var fineTune = new TaskModelOptions
            {
                Method = method,
                Pooling = pooling,
                MaxLength = 32,
                Trainer = new TrainerOptions { LearningRate = rate, WarmupRatio = 0.06, BatchSize = 16, Epochs = epochs, Seed = (ulong)seed, Threads = threads },
            };
            var scratch = Pretraining.FromScratch(preset, ModelFamily.Bert, tokenizer, (ulong)seed);
            foreach (var (name, source) in new[] { ("pre-trained + fine-tuned", pretrainedModel), ("from scratch", scratch) })
            {
                var fineClock = Stopwatch.StartNew();
                var classifier = TextClassifier.Train(ModelSource.FromParameters(source, (ulong)seed), tokenizer, data.Train, fineTune);
                var test = classifier.Evaluate(data.Test).Accuracy;
                var onUnseen = classifier.Evaluate(unseen).Accuracy;
                var validation = classifier.Evaluate(data.Validation).Accuracy;
                Console.WriteLine($"{name,-26} test {test:F3}  unseen-word test {onUnseen:F3}  validation (seen words) {validation:F3}  " +
                                  $"({method}, {epochs} epochs, lr {rate}, {fineClock.Elapsed.TotalSeconds:F0} s)");
            }
            Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s, load average {LoadAverage()}");
            return 0;
        }
    }

    // Score of each word: how often it shares a corpus sentence with positive minus negative cue words. A
    // sentence is classified by the sum over its words: the information pre-training can extract, without a model.
    private static Func<string, string> CorpusCueScore(string corpusPath, SyntheticLexicon lexicon)
    {
        var positive = SyntheticLexicon.Cues(SentimentClass.Positive).ToHashSet();
        var negative = SyntheticLexicon.Cues(SentimentClass.Negative).ToHashSet();
        var score = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(corpusPath))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int cue = words.Count(positive.Contains) - words.Count(negative.Contains);
            if (cue == 0) continue;
            foreach (var word in words) score[word] = score.GetValueOrDefault(word) + cue;
        }
        return text => text.Split(' ').Sum(w => lexicon.PolarityOf(w) is not null ? Math.Sign(score.GetValueOrDefault(w)) : 0) >= 0
            ? "positive" : "negative";
    }

    private static double Accuracy(IReadOnlyList<TextClassificationExample> examples, Func<string, string> predict) =>
        examples.Count == 0 ? double.NaN : examples.Count(e => predict(e.Text) == e.Label) / (double)examples.Count;

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
