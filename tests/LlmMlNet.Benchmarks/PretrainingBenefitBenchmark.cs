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
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Benchmarks;

/// <summary>Pre-trained-then-fine-tuned vs from-scratch accuracy on the few-label synthetic sentiment task.</summary>
public static class PretrainingBenefitBenchmark
{
    /// <summary>
    /// Runs the suite. Options: --steps N MLM steps (default 4000, also with --quick: at 2500 the probe stayed at chance), --epochs N fine-tuning epochs (default 20;
    /// --quick 10), --train N labels (300), --seed N data and model seed (1), --threads N (2), --preset NAME (tiny), --rate R
    /// fine-tuning learning rate (3e-4), --method Full|Lora|Adapter|FeatureExtraction (Full), --pooling Cls|Mean|Pooler (Cls),
    /// --words N hidden-polarity words per class (8), --docs N corpus documents (3000), --reviews F review share of the corpus
    /// (1.0), --block N (32), --batch N MLM lines per batch (64), --mlm-rate R (1e-3), --mask P (0.15), --wwm, --packed (pack
    /// lines into blocks instead of one line per example), --probe-every N, --probe-only, --debug-probe, --tag NAME (data folder
    /// name), --out DIR (default a temp folder; a pre-trained checkpoint of the same settings found there is reused).
    /// </summary>
    public static int Run(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        bool quick = args.Contains("--quick");
        int steps = Int("--steps", 4000), epochs = Int("--epochs", quick ? 10 : 20), trainCount = Int("--train", 300);
        int seed = Int("--seed", 1), threads = Int("--threads", 2);
        var preset = Option("--preset") ?? "tiny";
        float rate = Option("--rate") is { } r ? float.Parse(r, CultureInfo.InvariantCulture) : 3e-4f;
        var method = Enum.Parse<FineTuningMethod>(Option("--method") ?? "Full", ignoreCase: true);
        var pooling = Enum.Parse<PoolingMode>(Option("--pooling") ?? "Cls", ignoreCase: true);
        var folder = Option("--out") ?? Path.Combine(Path.GetTempPath(), $"llmmlnet-pretraining-benefit-{seed}");
        var clock = Stopwatch.StartNew();

        int wordsPerPolarity = Int("--words", 8), documents = Int("--docs", 3000), block = Int("--block", 32), batch = Int("--batch", 64);
        double reviews = Option("--reviews") is { } rf ? double.Parse(rf, CultureInfo.InvariantCulture) : 1.0;
        float mlmRate = Option("--mlm-rate") is { } mr ? float.Parse(mr, CultureInfo.InvariantCulture) : 1e-3f;
        double maskProbability = Option("--mask") is { } mp ? double.Parse(mp, CultureInfo.InvariantCulture) : 0.15;
        bool lineByLine = !args.Contains("--packed");
        bool wholeWord = args.Contains("--wwm"), probeOnly = args.Contains("--probe-only");
        var lexicon = new SyntheticLexicon(0, wordsPerPolarity);
        folder = Path.Combine(folder, $"{Option("--tag") ?? "data"}-words-{wordsPerPolarity}-docs-{documents}-reviews-{reviews}");
        var suiteOptions = new SyntheticSuiteOptions
        {
            Seed = seed, Lexicon = lexicon, Sentiment = new SentimentDatasetOptions { TrainCount = trainCount },
            Corpus = new SyntheticCorpusOptions { Documents = documents, ReviewFraction = reviews, FactFraction = Math.Min(0.3, 1 - reviews) },
        };
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
        var checkpoint = Path.Combine(folder, $"mlm-{preset}-{steps}-b{block}x{batch}-lr{mlmRate}-m{maskProbability}{(wholeWord ? "-wwm" : "")}{(lineByLine ? "-lines" : "")}");
        if (File.Exists(Path.Combine(checkpoint, "config.json")))
        {
            Console.WriteLine($"MLM pre-training: reusing {checkpoint}");
            var reused = Pretraining.FromCheckpoint(checkpoint, out _, (ulong)seed);
            Probe(reused);
            return probeOnly ? 0 : FineTuneBoth(reused);
        }
        var pretrained = Pretraining.FromScratch(preset, ModelFamily.Bert, tokenizer, (ulong)seed);
        var pretrainOptions = new PretrainingOptions
        {
            Objective = PretrainingObjective.MaskedLm,
            BlockSize = block,
            LineByLine = lineByLine,
            Masking = new MaskingOptions { WholeWordMasking = wholeWord, MaskProbability = maskProbability },
            Trainer = new TrainerOptions { LearningRate = mlmRate, WarmupRatio = 0.06, BatchSize = batch, MaxSteps = steps, Epochs = 100, Seed = (ulong)seed, Threads = threads },
        };
        var mlmClock = Stopwatch.StartNew();
        int probeEvery = Int("--probe-every", 0);
        var mlm = Pretraining.Train(pretrained, tokenizer, new TextCorpusReader([files.Corpus]), pretrainOptions, progress: new Inline(p =>
        {
            if (probeEvery > 0 && p.Step % probeEvery == 0)
                Console.WriteLine($"  step {p.Step}: loss {p.Loss:F2}, probe {PolarityProbe.Measure(pretrained, tokenizer, lexicon).Accuracy:F3} ({mlmClock.Elapsed.TotalSeconds:F0} s)");
        }));
        Console.WriteLine($"MLM pre-training: {steps} steps, loss {mlm.History[0].Loss:F2} -> {mlm.LastLoss:F2}, {mlmClock.Elapsed.TotalSeconds:F0} s");
        Pretraining.Save(pretrained, tokenizer, checkpoint);
        Probe(pretrained);
        return probeOnly ? 0 : FineTuneBoth(pretrained);

        void Probe(TransformerParameters model)
        {
            var all = PolarityProbe.Measure(model, tokenizer, lexicon);
            if (args.Contains("--debug-probe"))
            {
                var values = all.Scores.Values.ToArray();
                double mean = values.Average();
                Console.WriteLine($"probe scores: mean {mean:F4}, std {Math.Sqrt(values.Average(v => (v - mean) * (v - mean))):F4}, min {values.Min():F4}, max {values.Max():F4}");
                foreach (var text in new[] { $"{lexicon.PositiveWords[0]} and [MASK] .", $"{lexicon.NegativeWords[0]} and [MASK] .", "good and [MASK] .", "awful and [MASK] .", "[MASK] and good .", "[MASK] and awful .",
                                             "the film was [MASK] and good .", "the film was [MASK] and awful .", "the [MASK] was good and great ." })
                {
                    var ids = tokenizer.Encode(text).Ids.ToArray();
                    int at = Array.IndexOf(ids, tokenizer.MaskTokenId!.Value);
                    var net = new TransformerModel(model, 1, ids.Length);
                    var head = new MaskedLmHead(net);
                    net.Commit();
                    var logits = head.Forward(net.Forward(new ModelBatch(1, ids.Length, ids))).Slice(at * model.Config.VocabSize, model.Config.VocabSize).ToArray();
                    var top = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).Take(6)
                        .Select(i => $"{tokenizer.IdToToken(i)}({lexicon.PolarityOf(tokenizer.IdToToken(i)!)?.ToString()[..3] ?? "-"}) {logits[i]:F1}");
                    Console.WriteLine($"  {text} [{string.Join(' ', tokenizer.Encode(text).Tokens)}] -> {string.Join(", ", top)}");
                }
            }
            var seenWords = all.Scores.Keys.Where(data.SeenWords.Contains).ToList();
            var unseenWords = all.Scores.Keys.Where(w => !data.SeenWords.Contains(w)).ToList();
            Console.WriteLine($"cue probe (MLM head, [MASK] at a cue slot): all words {all.Accuracy:F3}, " +
                              $"seen {PolarityProbe.Measure(model, tokenizer, lexicon, seenWords).Accuracy:F3}, " +
                              $"unseen {PolarityProbe.Measure(model, tokenizer, lexicon, unseenWords).Accuracy:F3}; mean score positive words " +
                              $"{all.Scores.Where(p => lexicon.PolarityOf(p.Key) == SentimentClass.Positive).Average(p => p.Value):F3}, negative " +
                              $"{all.Scores.Where(p => lexicon.PolarityOf(p.Key) == SentimentClass.Negative).Average(p => p.Value):F3}");
        }

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

    // Reports synchronously on the training thread, so probing between steps sees consistent weights.
    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private static double Accuracy(IReadOnlyList<TextClassificationExample> examples, Func<string, string> predict) =>
        examples.Count == 0 ? double.NaN : examples.Count(e => predict(e.Text) == e.Label) / (double)examples.Count;

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
