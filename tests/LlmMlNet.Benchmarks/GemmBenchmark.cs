// The `gemm` benchmark suite: our SGEMM's GFLOP/s on square and BERT-mini training shapes, on 1 and 2
// threads, beside the machine's theoretical fp32 peak and PyTorch's torch.mm/bmm timed in the same run.
// Not a test (nothing asserted); medians after warm-up, because other processes share the machine.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
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
    /// Runs the suite. Options: --reps N (default 9), --quick (square sizes only), --only TEXT (shapes whose
    /// name contains TEXT), --threads N (only that thread count), --no-torch, --cold (each rep is one call after
    /// 64 MB of other writes evict the operands, and products with a transposed A accumulate (beta = 1), as a
    /// training step's weight gradients do; torch is still timed warm).
    /// </summary>
    public static int Run(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int reps = int.Parse(Option("--reps") ?? "9", CultureInfo.InvariantCulture);
        string? only = Option("--only");
        int[] threadCounts = Option("--threads") is { } threadOption ? [int.Parse(threadOption, CultureInfo.InvariantCulture)] : [1, 2];
        bool cold = args.Contains("--cold");
        PrintMachine();
        Shape[] shapes = args.Contains("--quick") ? Square : [.. Square, .. BertMini];
        if (only is not null) shapes = [.. shapes.Where(s => s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))];
        foreach (int threads in threadCounts)
        {
            Dictionary<string, double>? torch = args.Contains("--no-torch") ? null : RunTorch(threads, reps, shapes);
            Console.WriteLine();
            Console.WriteLine($"threads = {threads}   (GFLOP/s: ours = median of {reps} after warm-up, best = fastest rep; torch = median; ratio = medians)");
            Console.WriteLine($"{"shape",-26} {"m x n x k",-20} {"ours",8} {"best",8} {"torch",8} {"ratio",7}");
            int saved = EngineSettings.Threads;
            EngineSettings.Threads = threads;
            try
            {
                foreach (Shape shape in shapes)
                {
                    (double ours, double best) = Measure(shape, reps, cold);
                    string dims = $"{shape.M}x{shape.N}x{shape.K}" + (shape.Batch > 1 ? $" x{shape.Batch}" : "");
                    string theirs = "-", ratio = "-";
                    if (torch is not null && torch.TryGetValue(shape.Key, out double t))
                    {
                        theirs = t.ToString("F1", CultureInfo.InvariantCulture);
                        ratio = (ours / t).ToString("F2", CultureInfo.InvariantCulture) + "x";
                    }
                    Console.WriteLine($"{shape.Name,-26} {dims,-20} {ours,8:F1} {best,8:F1} {theirs,8} {ratio,7}");
                }
            }
            finally
            {
                EngineSettings.Threads = saved;
            }
        }
        return 0;
    }

    private static void PrintMachine()
    {
        string model = "unknown CPU";
        double mhz = 0;
        string mhzSource = "/proc/cpuinfo 'cpu MHz'";
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal)) model = line[(line.IndexOf(':') + 1)..].Trim();
                if (line.StartsWith("cpu MHz", StringComparison.Ordinal) && mhz == 0)
                    mhz = double.Parse(line[(line.IndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            }
        }
        int cores = Environment.ProcessorCount;
        double ghz = mhz / 1000;
        Console.WriteLine($"CPU: {model}, {cores} logical cores, {ghz:F3} GHz ({mhzSource}; turbo may run higher)");
        Console.WriteLine($"kernel: {GemmKernelName()}; load average: {LoadAverage()}");
        Console.WriteLine($"theoretical fp32 peak = cores x GHz x 32 flop/cycle (2 x 256-bit FMA) = "
            + $"{cores * ghz * 32:F1} GFLOP/s ({ghz * 32:F1} per core); with 2 x 512-bit FMA (64 flop/cycle): {cores * ghz * 64:F1}");
    }

    private static string GemmKernelName()
        => System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512 12x32"
            : System.Runtime.Intrinsics.X86.Fma.IsSupported ? "AVX2/FMA 6x16" : "portable Vector<float>";

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>GFLOP/s of the median and of the fastest rep (the fastest is the least disturbed by other load).</summary>
    private static (double Median, double Best) Measure(Shape s, int reps, bool cold)
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
            watch.Restart();
            for (int i = 0; i < inner; i++) Once();
            times[r] = watch.Elapsed.TotalSeconds / inner;
        }
        Array.Sort(times);
        return (s.Flops / times[reps / 2] / 1e9, s.Flops / times[0] / 1e9);
    }

    private static Dictionary<string, double>? RunTorch(int threads, int reps, Shape[] shapes)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "python", "gemm_torch.py");
        const string python = "/usr/bin/python3";
        if (!File.Exists(python) || !File.Exists(script))
        {
            Console.WriteLine($"PyTorch: not measured ({python} or {script} missing); ours only.");
            return null;
        }
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(reps.ToString(CultureInfo.InvariantCulture));
        foreach (Shape s in shapes) info.ArgumentList.Add(s.Key);
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(info)!;
        var result = new Dictionary<string, double>();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("error", out var error))
            {
                Console.WriteLine($"PyTorch: {error.GetString()}; ours only.");
                return null;
            }
            result[json.RootElement.GetProperty("shape").GetString()!] = json.RootElement.GetProperty("gflops").GetDouble();
        }
        process.WaitForExit();
        return result;
    }
}
