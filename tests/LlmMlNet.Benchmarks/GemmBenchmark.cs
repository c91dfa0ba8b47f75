// The `gemm` benchmark suite: our SGEMM's GFLOP/s on square and BERT-mini training shapes, on 1 and 2
// threads, beside the measured FMA peak and PyTorch's torch.mm/bmm timed in the same run (in rounds).
// Not a test (nothing asserted); medians after warm-up, because other processes share the machine.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Runtime.Intrinsics;
using LlmMlNet.Tensors;

namespace LlmMlNet.Benchmarks;

/// <summary>SGEMM throughput against the fp32 peak and PyTorch.</summary>
public static class GemmBenchmark
{
    private sealed record Shape(string Name, int M, int N, int K, bool TransposeA, bool TransposeB, int Batch = 1)
    {
        public double Flops => 2.0 * Batch * M * N * K;
        public string Key => $"{M},{N},{K},{(TransposeA ? 1 : 0)},{(TransposeB ? 1 : 0)},{Batch}";
    }

    private static readonly Shape[] Square =
        [.. new[] { 256, 512, 1024, 2048 }.Select(s => new Shape($"{s}^3 NN", s, s, s, false, false))];

    // One BERT-mini step at batch 32 x 128 tokens (4096 rows), hidden 256, FFN 1024, 4 heads of 64.
    private static readonly Shape[] BertMini =
    [
        new("qkv/out fwd  x.Wt   NT", 4096, 256, 256, false, true),
        new("ffn up fwd   x.Wt   NT", 4096, 1024, 256, false, true),
        new("ffn down fwd x.Wt   NT", 4096, 256, 1024, false, true),
        new("qkv/out dX   dY.W   NN", 4096, 256, 256, false, false),
        new("ffn up dX    dY.W   NN", 4096, 256, 1024, false, false),
        new("ffn down dX  dY.W   NN", 4096, 1024, 256, false, false),
        new("qkv/out dW   dYt.X  TN", 256, 256, 4096, true, false),
        new("ffn up dW    dYt.X  TN", 1024, 256, 4096, true, false),
        new("ffn down dW  dYt.X  TN", 256, 1024, 4096, true, false),
        new("attn QKt  128 heads NT", 128, 128, 64, false, true, 128),
        new("attn PV   128 heads NN", 128, 64, 128, false, false, 128),
    ];

    /// <summary>
    /// Runs the suite. Options: --reps N (default 9), --rounds N (default 1: each round times PyTorch then ours
    /// on every shape, so slow spells of other load hit both; ratios are the median of the rounds' ratios),
    /// --quick (square sizes only), --only TEXT (shapes whose name contains TEXT), --threads N (only that thread
    /// count), --no-torch, --cold (each rep is one call after 64 MB of other writes evict the operands, and
    /// products with a transposed A accumulate (beta = 1), as a training step's weight gradients do; torch is
    /// still timed warm), --cpu-time (reps timed by process CPU time divided by threads, for a loaded machine:
    /// time the engine was not scheduled does not count; meaningful at 1 thread), --isa avx2 (both engines restricted to AVX2, see <see cref="IsaRestriction"/>).
    /// </summary>
    public static int Run(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int reps = int.Parse(Option("--reps") ?? "9", CultureInfo.InvariantCulture);
        int rounds = int.Parse(Option("--rounds") ?? "1", CultureInfo.InvariantCulture);
        string? only = Option("--only");
        int[] threadCounts = Option("--threads") is { } threadOption ? [int.Parse(threadOption, CultureInfo.InvariantCulture)] : [1, 2];
        bool cold = args.Contains("--cold");
        bool cpuTime = args.Contains("--cpu-time");
        if (cpuTime) Console.WriteLine("--cpu-time: each rep is timed by the process's CPU time (both engines), not the wall clock");
        double peak = PrintMachine();
        Shape[] shapes = args.Contains("--quick") ? Square : [.. Square, .. BertMini];
        if (only is not null) shapes = [.. shapes.Where(s => s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))];
        foreach (int threads in threadCounts)
        {
            var ours = shapes.ToDictionary(s => s, _ => new List<(double Median, double Best)>());
            var theirs = shapes.ToDictionary(s => s, _ => new List<(double Median, double Best)>());
            int saved = EngineSettings.Threads;
            EngineSettings.Threads = threads;
            try
            {
                for (int round = 0; round < rounds; round++)
                {
                    var torch = args.Contains("--no-torch") ? null : RunTorch(threads, reps, shapes, printEngine: round == 0 && threads == threadCounts[0], cpuTime);
                    foreach (Shape shape in shapes)
                    {
                        ours[shape].Add(Measure(shape, reps, cold, cpuTime));
                        if (torch is not null && torch.TryGetValue(shape.Key, out var t)) theirs[shape].Add(t);
                    }
                }
            }
            finally
            {
                EngineSettings.Threads = saved;
            }
            Console.WriteLine();
            Console.WriteLine($"threads = {threads}, {rounds} round(s) of {reps} reps, load average now {LoadAverage()}   (GFLOP/s: med = median rep, "
                + "best = fastest rep (least disturbed), over the rounds; %peak = ours best / (measured FMA peak x threads); "
                + "ratio = median over rounds of ours med / torch med; best ratio = ours best / torch best)");
            Console.WriteLine($"{"shape",-26} {"m x n x k",-20} {"ours med",8} {"best",8} {"%peak",6} {"torch med",9} {"best",8} {"ratio",7} {"best ratio",10}");
            foreach (Shape shape in shapes)
            {
                string dims = $"{shape.M}x{shape.N}x{shape.K}" + (shape.Batch > 1 ? $" x{shape.Batch}" : "");
                double oursMedian = Median(ours[shape].Select(r => r.Median)), oursBest = ours[shape].Max(r => r.Best);
                string percent = peak > 0 ? (100 * oursBest / (peak * threads)).ToString("F0", CultureInfo.InvariantCulture) + "%" : "-";
                string torchMedian = "-", torchBest = "-", ratio = "-", bestRatio = "-";
                if (theirs[shape].Count == ours[shape].Count)
                {
                    torchMedian = Median(theirs[shape].Select(r => r.Median)).ToString("F1", CultureInfo.InvariantCulture);
                    double best = theirs[shape].Max(r => r.Best);
                    torchBest = best.ToString("F1", CultureInfo.InvariantCulture);
                    ratio = Median(ours[shape].Zip(theirs[shape], (o, t) => o.Median / t.Median)).ToString("F2", CultureInfo.InvariantCulture) + "x";
                    bestRatio = (oursBest / best).ToString("F2", CultureInfo.InvariantCulture) + "x";
                }
                Console.WriteLine($"{shape.Name,-26} {dims,-20} {oursMedian,8:F1} {oursBest,8:F1} {percent,6} {torchMedian,9} {torchBest,8} {ratio,7} {bestRatio,10}");
            }
        }
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    // Prints the CPU, our kernel and the measured single-core FMA peak (the ISA our kernel uses), and returns that peak.
    private static double PrintMachine()
    {
        string model = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) { model = line[(line.IndexOf(':') + 1)..].Trim(); break; }
        }
        Console.WriteLine($"CPU: {model}, {Environment.ProcessorCount} logical cores; load average {LoadAverage()}");
        Console.WriteLine($"ours: GEMM micro-kernel {Gemm.KernelName} (AVX-512 {(Vector512.IsHardwareAccelerated ? "enabled" : "disabled: DOTNET_EnableAVX512=0 or none")})");
        double avx2 = FmaPeak.Avx2(), avx512 = FmaPeak.Avx512();
        Console.WriteLine($"measured single-core fp32 FMA peak (best of 5 register-only runs, by CPU time): 256-bit FMA3 {avx2:F1} GFLOP/s"
            + (avx512 > 0 ? $", 512-bit {avx512:F1} GFLOP/s" : ""));
        return avx512 > 0 && Gemm.KernelName.StartsWith("AVX-512", StringComparison.Ordinal) ? avx512 : avx2;
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>GFLOP/s of the median and of the fastest rep (the fastest is the least disturbed by other load).</summary>
    private static (double Median, double Best) Measure(Shape s, int reps, bool cold, bool cpuTime)
    {
        float[] evict = cold ? new float[16 << 20] : [];
        float beta = cold && s.TransposeA ? 1f : 0f;
        var rng = new Random(42);
        float[] a = new float[(long)s.Batch * s.M * s.K], b = new float[(long)s.Batch * s.K * s.N], c = new float[(long)s.Batch * s.M * s.N];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextSingle();
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextSingle();
        int lda = s.TransposeA ? s.M : s.K, ldb = s.TransposeB ? s.K : s.N;
        void Once()
        {
            if (s.Batch == 1) Gemm.Sgemm(s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, a, lda, b, ldb, beta, c, s.N);
            else Gemm.SgemmStridedBatched(s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, a, lda, (long)s.M * s.K,
                b, ldb, (long)s.K * s.N, beta, c, s.N, (long)s.M * s.N, s.Batch);
        }
        // Warm-up of at least 3 calls and 200 ms lets tiered JIT finish before timing starts.
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 3 || watch.ElapsedMilliseconds < 200; i++) Once();
        // Each rep runs long enough (>= 20 ms) for the clock to resolve it.
        watch.Restart();
        Once();
        int inner = cold ? 1 : Math.Max(1, (int)(0.02 / Math.Max(watch.Elapsed.TotalSeconds, 1e-7)));
        var times = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            if (cold) evict.AsSpan().Fill(r);
            double cpuStart = FmaPeak.ProcessCpuSeconds();
            watch.Restart();
            for (int i = 0; i < inner; i++) Once();
            double seconds = watch.Elapsed.TotalSeconds;
            // CPU time of all threads: with T threads busy it is about T times the wall time of a quiet machine.
            if (cpuTime) seconds = (FmaPeak.ProcessCpuSeconds() - cpuStart) / EngineSettings.Threads;
            times[r] = seconds / inner;
        }
        Array.Sort(times);
        return (s.Flops / times[reps / 2] / 1e9, s.Flops / times[0] / 1e9);
    }

    private static Dictionary<string, (double Median, double Best)>? RunTorch(int threads, int reps, Shape[] shapes, bool printEngine, bool cpuTime)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "python", "gemm_torch.py");
        const string python = "/usr/bin/python3";
        if (!File.Exists(python) || !File.Exists(script))
        {
            if (printEngine) Console.WriteLine($"PyTorch: not measured ({python} or {script} missing); ours only.");
            return null;
        }
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(reps.ToString(CultureInfo.InvariantCulture));
        foreach (Shape s in shapes) info.ArgumentList.Add(s.Key);
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        if (cpuTime) info.Environment["GEMM_TORCH_CPU_TIME"] = "1";
        using var process = Process.Start(info)!;
        var result = new Dictionary<string, (double, double)>();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("error", out var error))
            {
                Console.WriteLine($"PyTorch: {error.GetString()}; ours only.");
                return null;
            }
            if (json.RootElement.TryGetProperty("engine", out var engine))
            {
                if (printEngine) Console.WriteLine($"PyTorch: {engine}");
                continue;
            }
            result[json.RootElement.GetProperty("shape").GetString()!] =
                (json.RootElement.GetProperty("gflops").GetDouble(), json.RootElement.GetProperty("best_gflops").GetDouble());
        }
        process.WaitForExit();
        return result;
    }
}
