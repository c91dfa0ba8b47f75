// Suite `ort` (also the `ort` mode of `bert`): BERT-mini classifier inference on our engine against the same model
// exported to ONNX and run by ONNX Runtime (CPU), in one process, same thread count: tokens/s at batch 32 × 128 and
// the latency of one request (batch 1) at 128 and 32 tokens. Each measurement is the median of its timed runs after
// warm-up, engines interleaved run by run so a slow spell of other load hits both. Not a test: it asserts nothing.
using System.Diagnostics;
using System.Globalization;
using LlmMlNet.Onnx.Export;
using LlmMlNet.Onnx.Runtime;
using LlmMlNet.Tensors;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Benchmarks;

/// <summary>Our engine against ONNX Runtime for BERT inference.</summary>
public static class OnnxRuntimeComparison
{
    /// <summary>Options: --preset NAME (mini); --threads N (2); --batch-size N (32); --max-length N (128); --steps N (5); --warmup N (2); --latency-runs N (20).</summary>
    public static int Run(string[] args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) flags[args[i].TrimStart('-')] = args[i + 1];
        int Int(string name, int fallback) => flags.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var preset = flags.GetValueOrDefault("preset", "mini");
        int threads = Int("threads", 2), batch = Int("batch-size", 32), length = Int("max-length", 128);
        int steps = Int("steps", 5), warmup = Int("warmup", 2), latencyRuns = Int("latency-runs", 20);

        var config = SizePresets.Create(preset, ModelFamily.Bert, numLabels: 2);
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Pooler, KeyGroup.Classification }, 0, _ => false);
        var path = Path.Combine(Path.GetTempPath(), $"llmmlnet-ort-bench-{Environment.ProcessId}.onnx");
        OnnxExporter.Export(parameters, path, new OnnxExportOptions { Head = HeadKind.Classification });
        var previous = EngineSettings.Threads;
        EngineSettings.Threads = threads;
        try
        {
            using var ort = new OnnxModelRunner(path, intraOpThreads: threads);
            Console.WriteLine($"ONNX Runtime vs ours: preset {preset} classifier, {threads} threads each, ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version} CPU " +
                              $"(graph optimisations all), ours GEMM {Gemm.KernelName}; load average {LoadAverage()}");
            var (oursThroughput, ortThroughput) = Measure(parameters, ort, batch, length, warmup, steps);
            Console.WriteLine($"{"engine",-12} {$"tok/s {batch}x{length}",16} {"batch 1 x 128 ms",17} {"batch 1 x 32 ms",16}");
            var latency128 = Measure(parameters, ort, 1, Math.Min(128, length), 3, latencyRuns);
            var latency32 = Measure(parameters, ort, 1, Math.Min(32, length), 3, latencyRuns);
            Console.WriteLine($"{"ours",-12} {batch * length / oursThroughput * 1000,16:F0} {latency128.Ours,17:F2} {latency32.Ours,16:F2}");
            Console.WriteLine($"{"onnxruntime",-12} {batch * length / ortThroughput * 1000,16:F0} {latency128.Ort,17:F2} {latency32.Ort,16:F2}");
            Console.WriteLine($"ours / onnxruntime speed: {ortThroughput / oursThroughput:F2}x at {batch}x{length}, {latency128.Ort / latency128.Ours:F2}x at 1x128, " +
                              $"{latency32.Ort / latency32.Ours:F2}x at 1x32 (above 1: ours faster); load average now {LoadAverage()}");
        }
        finally
        {
            EngineSettings.Threads = previous;
            File.Delete(path);
        }
        return 0;
    }

    // Median milliseconds per forward of each engine on one random batch, engines alternating run by run.
    private static (double Ours, double Ort) Measure(TransformerParameters parameters, OnnxModelRunner ort, int batch, int length, int warmup, int runs)
    {
        var random = new Random(1);
        var ids = Enumerable.Range(0, batch * length).Select(_ => random.Next(parameters.Config.VocabSize)).ToArray();
        var input = new ModelBatch(batch, length, ids, Enumerable.Repeat(1, ids.Length).ToArray(), new int[ids.Length]);
        var model = new TransformerModel(parameters, batch, length);
        var head = new SequenceClassificationHead(model);
        model.Commit();
        var ours = new List<double>();
        var onnx = new List<double>();
        for (var i = 0; i < warmup + runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            head.Forward(model.Forward(input));
            var oursMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            ort.Run(input);
            var ortMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i < warmup) continue;
            ours.Add(oursMs);
            onnx.Add(ortMs);
        }
        return (Median(ours), Median(onnx));
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
