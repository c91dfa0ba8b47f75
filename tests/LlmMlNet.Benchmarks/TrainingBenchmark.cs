// The `training` benchmark suite: masked-LM pre-training throughput (tokens/s) of the BERT size
// presets through the real Trainer, at batch 32 × 128 with a 30,522-token vocabulary, and the share
// of the step the target-rows-only MLM head saves against projecting every row. Not a test: nothing
// is asserted, and other processes on the machine disturb the numbers (the load average is printed).
// Also prints the share of the timed steps spent in each kernel category (GEMM against the rest).
using System.Diagnostics;
using System.Globalization;
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Diagnostics;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Benchmarks;

/// <summary>MLM pre-training tokens/s on the tiny and mini presets.</summary>
public static class TrainingBenchmark
{
    private const int Vocabulary = SizePresets.DefaultVocabSize, FirstWord = 1000, MaskId = 103, PadId = 0;

    /// <summary>
    /// Runs the suite. Options: --presets a,b (default tiny,mini), --batch N (32), --seq N (128), --steps N
    /// timed optimizer steps (default 5), --threads N (default: the processor count).
    /// </summary>
    public static int Run(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var presets = (Option("--presets") ?? "tiny,mini").Split(',', StringSplitOptions.RemoveEmptyEntries);
        int batch = Int("--batch", 32), seq = Int("--seq", 128), steps = Int("--steps", 5), threads = Int("--threads", Environment.ProcessorCount);
        Console.WriteLine($"MLM pre-training through Trainer: batch {batch} x {seq} tokens, vocabulary {Vocabulary}, 15% masked, " +
                          $"dropout 0.1, AdamW, {threads} thread(s), {Environment.ProcessorCount} logical CPUs, load average {LoadAverage()}");
        Console.WriteLine($"{"preset",-8} {"params",10} {"ms/step",10} {"tokens/s",10} {"head ms: masked rows",22} {"all rows",10}");
        foreach (var preset in presets)
        {
            var config = SizePresets.Create(preset, ModelFamily.Bert, Vocabulary);
            var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.MaskedLm }, seed: 1);
            var objective = Pretraining.CreateObjective(parameters, PretrainingObjective.MaskedLm, batch, seq);
            var collator = new MaskedLanguageModelCollator(new MlmMasking(new MaskingOptions(), MaskId, Vocabulary, [PadId, 101, 102]), PadId);
            var blocks = Blocks(batch * (steps + 1), seq).ToList();
            var timings = new List<double>();
            var clock = Stopwatch.StartNew();
            var options = new TrainerOptions { LearningRate = 1e-4f, BatchSize = batch, MaxSteps = steps + 1, ShuffleBufferSize = 0, Threads = threads };
            var result = new Trainer(options).Train(objective, blocks, collator,
                progress: new StepTimer(timings, clock));
            KernelProfile.Enabled = false;
            // The first step pays for arena allocation and JIT; the median of the rest is reported.
            var timed = timings.Skip(1).Order().ToList();
            double median = timed[timed.Count / 2];
            int masked = (int)(0.15 * batch * (seq - 2));
            var (maskedMs, allMs) = (HeadMilliseconds(parameters, batch, seq, masked), HeadMilliseconds(parameters, batch, seq, batch * seq));
            Console.WriteLine($"{preset,-8} {parameters.Set.Values.Length,10:N0} {median * 1000,10:F0} {batch * seq / median,10:F0} {maskedMs,22:F0} {allMs,10:F0}");
            PrintKernelShares(timed.Sum());
        }
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    /// <summary>Forward + backward of the MLM head over <paramref name="rows"/> rows (best of 3): what gathering saves.</summary>
    private static double HeadMilliseconds(TransformerParameters parameters, int batch, int seq, int rows)
    {
        var model = new TransformerModel(parameters, batch, seq);
        var head = new MaskedLmRowHead(model);
        model.Commit();
        int c = parameters.Config.HiddenSize;
        var hidden = new float[rows * c];
        ParameterInit.Normal(hidden, 1f, 3, 4);
        var logits = new float[(long)rows * Vocabulary > int.MaxValue ? throw new InvalidOperationException("too many rows") : rows * Vocabulary];
        var dHidden = new float[rows * c];
        double best = double.MaxValue;
        for (int rep = 0; rep < 3; rep++)
        {
            var clock = Stopwatch.StartNew();
            head.Forward(hidden, logits, rows, ForwardContext.Evaluation());
            head.Backward(hidden, logits, dHidden, rows);
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        parameters.Set.ZeroGradients();
        return best;
    }

    private static IEnumerable<TokenBlock> Blocks(int count, int length)
    {
        for (int b = 0; b < count; b++)
        {
            var ids = new int[length];
            ids[0] = 101;
            ids[^1] = 102;
            for (int t = 1; t < length - 1; t++) ids[t] = FirstWord + (int)(CounterRng.Hash(9, (ulong)b, (ulong)t) % (Vocabulary - FirstWord));
            yield return new TokenBlock(ids);
        }
    }

    // Share of the timed steps (all but the first) in each kernel category, and what no kernel claimed.
    private static void PrintKernelShares(double timedSeconds)
    {
        var shares = KernelProfile.Snapshot().Select(e => (Name: e.Key.ToString().ToLowerInvariant(), Seconds: e.Value.Time.TotalSeconds)).ToList();
        shares.Add(("other", Math.Max(0, timedSeconds - shares.Sum(e => e.Seconds))));
        Console.WriteLine("         step time by kernel: " + string.Join(", ", shares.Where(e => e.Seconds > 0).OrderByDescending(e => e.Seconds)
            .Select(e => $"{e.Name} {100 * e.Seconds / timedSeconds:F0}%")));
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    // Also starts the kernel accounting after the first (untimed) step.
    private sealed class StepTimer(List<double> timings, Stopwatch clock) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            timings.Add(clock.Elapsed.TotalSeconds);
            if (timings.Count == 1)
            {
                KernelProfile.Reset();
                KernelProfile.Enabled = true;
            }
            clock.Restart();
        }
    }
}
