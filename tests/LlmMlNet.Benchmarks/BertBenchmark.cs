// Suite `bert`: our ThroughputBenchmark against python/bert_bench.py (plain PyTorch BERT) for inference,
// full training and LoRA steps of preset mini, 32 × 128 tokens, 2 threads, in the same run. Each engine
// and mode runs in its own process so peak memory is that mode's alone. Not a test: it asserts nothing.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Text.Json;
using LlmMlNet.Tensors;
using LlmMlNet.Workbench.Diagnostics;

namespace LlmMlNet.Benchmarks;

/// <summary>BERT throughput and peak memory against PyTorch (issue 4's speed proof).</summary>
public static class BertBenchmark
{
    private const string Python = "/usr/bin/python3";

    // --cpu-time: throughput from each engine's process CPU time per step instead of the wall clock.
    private static bool _cpuTime;

    /// <summary>
    /// Options: --modes infer,train,lora,ort (ort: our engine against the ONNX export on ONNX Runtime, see OnnxRuntimeComparison); --repeats N (runs per engine and mode, interleaved; default 1);
    /// --steps N (default 5); --warmup N (default 2); --threads N (default 2); --batch-size N; --max-length N;
    /// --preset NAME; --dropout P (ours; default 0, as the PyTorch script has none); --profile (also prints
    /// our step's time per kernel category: GEMM against the rest); --contend (each mode again beside one
    /// busy process, printing both engines' slowdown); --cpu-time (tokens per second of process CPU time per
    /// engine thread, for a machine shared with other load: time an engine was not scheduled does not count;
    /// spinning threads do, so use it at --threads 1); --isa avx2 (both engines on AVX2 only). Internal:
    /// --single MODE runs ours once in this process and prints its JSON.
    /// </summary>
    public static int Run(string[] args)
    {
        var flags = Parse(args);
        _cpuTime = flags.ContainsKey("cpu-time");
        var options = new ThroughputBenchmarkOptions
        {
            Preset = flags.GetValueOrDefault("preset", "mini"),
            BatchSize = Int(flags, "batch-size", 32),
            MaxLength = Int(flags, "max-length", 128),
            Steps = Int(flags, "steps", 5),
            Warmup = Int(flags, "warmup", 2),
            Threads = Int(flags, "threads", 2),
            Dropout = double.Parse(flags.GetValueOrDefault("dropout", "0"), CultureInfo.InvariantCulture),
            Profile = flags.ContainsKey("profile"),
        };
        if (flags.TryGetValue("single", out var single))
        {
            Console.WriteLine(ThroughputBenchmark.Run(options with { Mode = Enum.Parse<ThroughputMode>(single, ignoreCase: true) }).ToJson());
            return 0;
        }
        var modes = flags.GetValueOrDefault("modes", "infer,train,lora,ort").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var repeats = Int(flags, "repeats", 1);
        var script = Path.Combine(AppContext.BaseDirectory, "python", "bert_bench.py");
        var havePython = File.Exists(Python) && File.Exists(script);
        if (!havePython) Console.WriteLine($"PyTorch: not measured ({Python} or {script} missing); ours only.");
        Console.WriteLine($"preset {options.Preset}, batch {options.BatchSize} × {options.MaxLength}, {options.Threads} threads, " +
                          $"{options.Steps} timed steps after {options.Warmup} warm-up, {repeats} run(s) each, load average {LoadAverage()}");
        if (_cpuTime) Console.WriteLine("--cpu-time: tok/s = tokens / (median process CPU seconds per step / threads), both engines");
        Console.WriteLine($"ours: GEMM micro-kernel {Gemm.KernelName}, AVX-512 {(Vector512.IsHardwareAccelerated ? "enabled" : "disabled")}");
        Console.WriteLine("memory: peak resident set of each engine's own process for that mode alone (ours VmHWM, PyTorch ru_maxrss), " +
                          "runtime, libraries and weights included");
        var common = $"--preset {options.Preset} --batch-size {options.BatchSize} --max-length {options.MaxLength} " +
                     $"--steps {options.Steps} --warmup {options.Warmup} --threads {options.Threads}";
        var ourArguments = $"--dropout {options.Dropout.ToString(CultureInfo.InvariantCulture)} {common}" + (options.Profile ? " --profile" : "");
        var printedEngine = false;
        Console.WriteLine($"{"mode",-6} {"run",3} {"ours tok/s",11} {"torch tok/s",12} {"ratio",6} {"ours MB",8} {"torch MB",9} {"mem ratio",9}");
        foreach (var mode in modes)
        {
            if (mode == "ort")
            {
                // Inference on ONNX Runtime against ours, in this process (PyTorch is not part of it).
                OnnxRuntimeComparison.Run(["--preset", options.Preset, "--threads", $"{options.Threads}", "--batch-size", $"{options.BatchSize}",
                    "--max-length", $"{options.MaxLength}", "--steps", $"{options.Steps}", "--warmup", $"{options.Warmup}"]);
                continue;
            }
            var ratios = new List<double>();
            var runs = new List<(Measurement Ours, Measurement? Torch)>();
            for (var r = 0; r < repeats; r++)
            {
                var (ours, torch) = RunPair(mode, ourArguments, havePython ? $"{script} --mode {mode} {common}" : null);
                runs.Add((ours, torch));
                if (torch is { } t && !printedEngine)
                {
                    Console.WriteLine($"PyTorch: {t.Engine}");
                    printedEngine = true;
                }
                var ratio = torch is null ? double.NaN : ours.TokensPerSecond / torch.Value.TokensPerSecond;
                ratios.Add(ratio);
                Console.WriteLine($"{mode,-6} {r + 1,3} {ours.TokensPerSecond,11:F0} {torch?.TokensPerSecond,12:F0} {ratio,6:F2} " +
                                  $"{ours.PeakMb,8:F0} {torch?.PeakMb,9:F0} {(torch is null ? double.NaN : ours.PeakMb / torch.Value.PeakMb),9:F2}");
                if (ours.KernelMs is { } kernels) Console.WriteLine($"{"",10} ours per step: {KernelShareText(kernels)}");
            }
            if (repeats > 1)
            {
                ratios.Sort();
                Console.WriteLine($"{mode,-6} ratio best {ratios[^1]:F2}, median {ratios[ratios.Count / 2]:F2} (load average now {LoadAverage()})");
            }
            if (flags.ContainsKey("contend")) Contend(mode, ourArguments, havePython ? $"{script} --mode {mode} {common}" : null, runs);
        }
        return 0;
    }

    // Our child, then PyTorch's: interleaved so a slow spell of other load hits both engines' runs alike.
    private static (Measurement Ours, Measurement? Torch) RunPair(string mode, string ourArguments, string? torchArguments)
    {
        var (self, selfPrefix) = SelfCommand();
        var ours = RunChild(self, $"{selfPrefix}bert --single {mode} {ourArguments}", _cpuTime);
        Measurement? torch = torchArguments is null ? null : RunChild(Python, torchArguments, _cpuTime);
        return (ours, torch);
    }

    // The same runs again beside one busy process (a spinning shell on one core): the slowdown each engine suffers
    // when the machine is not its own, as on a laptop with a browser open.
    private static void Contend(string mode, string ourArguments, string? torchArguments, List<(Measurement Ours, Measurement? Torch)> quiet)
    {
        using var busy = Process.Start(new ProcessStartInfo("/bin/sh", "-c \"while :; do :; done\"") { RedirectStandardOutput = true })!;
        try
        {
            var loaded = Enumerable.Range(0, quiet.Count).Select(_ => RunPair(mode, ourArguments, torchArguments)).ToList();
            double Median(IEnumerable<double> values) => values.Order().ElementAt(quiet.Count / 2);
            double oursQuiet = Median(quiet.Select(q => q.Ours.TokensPerSecond)), oursLoaded = Median(loaded.Select(l => l.Ours.TokensPerSecond));
            var text = $"{mode,-6} beside 1 busy process: ours {oursLoaded:F0} tok/s, slowdown {oursQuiet / oursLoaded:F2}x";
            if (torchArguments is not null)
            {
                double torchQuiet = Median(quiet.Select(q => q.Torch!.Value.TokensPerSecond)), torchLoaded = Median(loaded.Select(l => l.Torch!.Value.TokensPerSecond));
                text += $"; PyTorch {torchLoaded:F0} tok/s, slowdown {torchQuiet / torchLoaded:F2}x; ratio under contention {oursLoaded / torchLoaded:F2}";
            }
            Console.WriteLine(text + $" (load average now {LoadAverage()})");
        }
        finally
        {
            busy.Kill();
            busy.WaitForExit();
        }
    }

    // "gemm 61% (210 ms), softmax 9% (31 ms), ..." in falling order, shares of the whole step.
    private static string KernelShareText(IReadOnlyDictionary<string, double> kernelMs)
    {
        var total = kernelMs.Values.Sum();
        return $"{total:F0} ms: " + string.Join(", ", kernelMs.Where(e => e.Value > 0).OrderByDescending(e => e.Value)
            .Select(e => $"{e.Key} {100 * e.Value / total:F0}% ({e.Value:F0} ms)"));
    }

    private readonly record struct Measurement(double TokensPerSecond, double PeakMb, string Engine, IReadOnlyDictionary<string, double>? KernelMs);

    private static Measurement RunChild(string file, string arguments, bool cpuTime)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var line = stdout.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {stderr}{stdout}");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var engine = root.TryGetProperty("blas_core", out var core)
            ? $"torch {root.GetProperty("torch").GetString()}, ATen {root.GetProperty("aten_capability").GetString()}, {core.GetString()}"
            : root.GetProperty("engine").GetString()!;
        Dictionary<string, double>? kernels = null;
        if (root.TryGetProperty("kernel_ms", out var k) && k.ValueKind == JsonValueKind.Object)
            kernels = k.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        var tokensPerSecond = root.GetProperty("tokens_per_second").GetDouble();
        if (cpuTime)
        {
            // Tokens per second of CPU time per engine thread: what the step would take on a machine of its own.
            var threads = root.GetProperty("threads").GetInt32();
            tokensPerSecond = root.GetProperty("batch_size").GetInt32() * root.GetProperty("max_length").GetInt32()
                              / (root.GetProperty("cpu_step_ms").GetDouble() / 1000 / threads);
        }
        return new Measurement(tokensPerSecond, root.GetProperty("peak_memory_mb").GetDouble(), engine, kernels);
    }

    // The apphost when run as LlmMlNet.Benchmarks, else "dotnet LlmMlNet.Benchmarks.dll".
    private static (string File, string ArgumentPrefix) SelfCommand()
    {
        var path = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(path) == "dotnet" ? (path, $"\"{Assembly.GetEntryAssembly()!.Location}\" ") : (path, "");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static Dictionary<string, string> Parse(string[] args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"expected --name value pairs or --switch, got '{args[i]}'");
            // A name followed by another name (or nothing) is a switch.
            flags[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "";
        }
        return flags;
    }

    private static int Int(Dictionary<string, string> flags, string name, int fallback) =>
        flags.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
