// Times inference, full training or LoRA training steps of a size-preset sequence classifier on random
// ids: the one measurement behind `llmmlnet bench` and the `bert` benchmark suite, so both report the
// same numbers, optionally with kernel time per category (KernelProfile). Not a trainer: fixed lr, no schedule, no clipping.
using System.Diagnostics;
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Diagnostics;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Workbench.Diagnostics;

/// <summary>Throughput runner for a 2-class sequence classifier built from a size preset.</summary>
public static class ThroughputBenchmark
{
    private const float LearningRate = 1e-4f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f, WeightDecay = 0.01f;

    /// <summary>
    /// Builds the model (fresh weights), runs <see cref="ThroughputBenchmarkOptions.Warmup"/> untimed and
    /// <see cref="ThroughputBenchmarkOptions.Steps"/> timed steps on one fixed random batch, and reports the
    /// median. Sets <see cref="EngineSettings.Threads"/> for the run and restores it afterwards.
    /// </summary>
    /// <param name="options">What to run; null uses the defaults (mini, infer, 32 × 128, 5 steps, 2 threads).</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <exception cref="ArgumentException">Invalid options (see <see cref="ThroughputBenchmarkOptions.Validate"/>).</exception>
    /// <exception cref="OperationCanceledException">Cancelled between steps.</exception>
    public static ThroughputBenchmarkResult Run(ThroughputBenchmarkOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = (options ?? new ThroughputBenchmarkOptions()).Validate();
        var previousThreads = EngineSettings.Threads;
        EngineSettings.Threads = options.Threads;
        try
        {
            return RunCore(options, cancellationToken);
        }
        finally
        {
            EngineSettings.Threads = previousThreads;
        }
    }

    private static ThroughputBenchmarkResult RunCore(ThroughputBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var mode = options.Mode;
        var dropout = mode == ThroughputMode.Infer ? 0 : options.Dropout;
        var config = SizePresets.Create(options.Preset, options.Family, numLabels: 2) with
        {
            HiddenDropout = dropout,
            AttentionDropout = dropout,
            EmbeddingDropout = dropout,
            ClassifierDropout = dropout,
        };
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Classification };
        if (config.Family is ModelFamily.Bert or ModelFamily.Roberta) groups.Add(KeyGroup.Pooler);
        var headNames = KeyTable.For(config.Family).Expand(config, groups.Where(g => g != KeyGroup.Encoder).ToHashSet())
            .Select(m => m.OurName).ToHashSet(StringComparer.Ordinal);
        Func<string, bool> trainable = mode switch
        {
            ThroughputMode.Infer => _ => false,
            ThroughputMode.Lora => headNames.Contains,
            _ => _ => true,
        };
        var parameters = TransformerParameters.Create(config, groups, options.Seed, trainable);
        int batchSize = options.BatchSize, length = options.MaxLength;
        var arena = new ActivationArena();
        LoraAdapter? lora = null;
        TransformerModel model;
        if (mode == ThroughputMode.Lora)
        {
            // Query and value, as the PyTorch peer (bert_bench.py) adapts them, whatever the library's default targets.
            lora = LoraAdapter.Create(config, new LoraOptions { Rank = options.LoraRank, Alpha = options.LoraAlpha, Seed = options.Seed, TargetModules = ["query", "value"] });
            var factory = lora.CreateLayerFactory(parameters.Set, arena, batchSize * length);
            model = new TransformerModel(parameters, batchSize, length, options.Seed, factory.Create, arena);
            factory.State = model.State;
        }
        else model = new TransformerModel(parameters, batchSize, length, options.Seed, null, arena);
        var task = new TransformerTask(model, m => new SequenceClassificationHead(m));

        var random = new Random(unchecked((int)options.Seed));
        var ids = new int[batchSize * length];
        for (var i = 0; i < ids.Length; i++) ids[i] = random.Next(config.VocabSize);
        var labels = new int[batchSize];
        for (var i = 0; i < labels.Length; i++) labels[i] = random.Next(2);
        var batch = new ModelBatch(batchSize, length, ids, Enumerable.Repeat(1, ids.Length).ToArray());

        var sets = lora is null ? [parameters.Set] : new[] { parameters.Set, lora.Parameters };
        long trainableCount = mode == ThroughputMode.Infer ? 0 : sets.Sum(s => (long)s.Layout.TrainableLength);
        model.IsTraining = mode != ThroughputMode.Infer;
        var times = new List<double>(options.Steps);
        var cpuTimes = new List<double>(options.Steps);
        using var self = Process.GetCurrentProcess();
        double loss = double.NaN;
        var profileWas = KernelProfile.Enabled;
        for (var step = 0; step < options.Warmup + options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Profile && step == options.Warmup)
            {
                KernelProfile.Reset();
                KernelProfile.Enabled = true;
            }
            self.Refresh();
            var cpuStart = self.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            if (mode == ThroughputMode.Infer) task.Forward(batch);
            else
            {
                model.State.Step = step;
                foreach (var set in sets) set.ZeroGradients();
                loss = task.ForwardLoss(batch, labels);
                task.Backward();
                foreach (var set in sets) set.AdamWStep(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, step + 1);
            }
            if (step >= options.Warmup)
            {
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                self.Refresh();
                cpuTimes.Add((self.TotalProcessorTime - cpuStart).TotalMilliseconds);
            }
        }
        KernelProfile.Enabled = profileWas;
        var median = Median(times);
        var kernelMs = options.Profile ? KernelShares(times) : null;
        self.Refresh();
        return new ThroughputBenchmarkResult("llmmlnet", options.Preset, mode.ToString().ToLowerInvariant(), options.Threads, batchSize, length,
            batchSize * length / (median / 1000.0), median, times, self.PeakWorkingSet64 / (1024.0 * 1024.0), trainableCount,
            sets.Sum(s => (long)s.Layout.TotalLength), loss, kernelMs, Median(cpuTimes));
    }

    // Per-step milliseconds of each kernel category over the timed steps, and "other": the step time no kernel claimed.
    private static Dictionary<string, double> KernelShares(List<double> times)
    {
        var shares = KernelProfile.Snapshot().ToDictionary(e => e.Key.ToString().ToLowerInvariant(), e => e.Value.Time.TotalMilliseconds / times.Count);
        shares["other"] = Math.Max(0, times.Sum() / times.Count - shares.Values.Sum());
        return shares;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
