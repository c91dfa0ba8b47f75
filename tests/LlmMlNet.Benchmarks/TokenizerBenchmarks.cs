// Benchmark suite `tokenizers`: MB/s (UTF-8 input bytes) and tokens/s for bert-base-uncased WordPiece,
// GPT-2 and RoBERTa byte-level BPE on a few MB of generated English-like text, one thread and batched
// (EncodeBatch over all cores). Own stopwatch harness; not a test, asserts nothing.
using System.Diagnostics;
using LlmMlNet.Tokenizers;

namespace LlmMlNet.Benchmarks;

/// <summary>The `tokenizers` benchmark suite.</summary>
public static class TokenizerBenchmarks
{
    private static readonly string[] CommonWords =
    ("the of and to in a is that for it as was with be by on not he I this are or his from at which but have an they you were " +
     "her she there been one all we their has would when if so no will can more about said what out up them some could into time " +
     "only new other than then two may these first any like now my such over its also after most made well people years because " +
     "government company market between system research however during without through against village river mountain library " +
     "committee decision weather morning evening students university children hospital important different available language " +
     "computer network learning training model language tokenizer algorithm performance analysis development information").Split(' ');

    private static readonly string[] Syllables = "ka lo mi ran tes bor quin vel stra pho nu dex gri lam sor tu ven xo ply cha".Split(' ');

    /// <summary>Runs the suite: <c>tokenizers [--mb N] [--fixtures DIR] [--only NAME]</c>.</summary>
    public static int Run(string[] args)
    {
        double megabytes = 4;
        string? fixtures = null, only = null;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--mb") megabytes = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            else if (args[i] == "--fixtures") fixtures = args[i + 1];
            else if (args[i] == "--only") only = args[i + 1];
        }
        fixtures ??= FindFixtures();
        var lines = GenerateText((int)(megabytes * 1024 * 1024), seed: 42);
        long bytes = lines.Sum(l => (long)System.Text.Encoding.UTF8.GetByteCount(l));
        Console.WriteLine($"tokenizers: {lines.Count} lines, {bytes / 1e6:F2} MB UTF-8, {Environment.ProcessorCount} cores");
        // CPU seconds are reported beside wall time: on a shared machine wall time overstates the cost.
        Console.WriteLine($"{"tokenizer",-20} {"mode",-16} {"MB/s",8} {"Mtok/s",8} {"MB/cpu-s",9} {"tokens",10}");
        foreach (var name in new[] { "bert-base-uncased", "gpt2", "roberta-base" })
        {
            if (only is not null && name != only) continue;
            var tokenizer = Tokenizer.Load(Path.Combine(fixtures, name));
            // JIT warm-up on other text (another seed), so "cold" measures an unfilled BPE word cache, not tier-0 code.
            var warmUp = GenerateText(400_000, seed: 7);
            for (int round = 0; round < 3; round++) { Single(tokenizer, warmUp); Batched(tokenizer, warmUp); }
            Measure(name, "1 thread (cold)", bytes, () => Single(tokenizer, lines));
            Measure(name, "1 thread (warm)", bytes, () => Single(tokenizer, lines));
            Measure(name, $"batch x{Environment.ProcessorCount}", bytes, () => Batched(tokenizer, lines));
        }
        return 0;
    }

    private static long Single(Tokenizer tokenizer, List<string> lines)
    {
        long tokens = 0;
        foreach (var line in lines) tokens += tokenizer.Encode(line).Length;
        return tokens;
    }

    private static long Batched(Tokenizer tokenizer, List<string> lines)
    {
        long tokens = 0;
        for (int at = 0; at < lines.Count; at += 1024)
            foreach (var e in tokenizer.EncodeBatch(lines.GetRange(at, Math.Min(1024, lines.Count - at)))) tokens += e.Length;
        return tokens;
    }

    private static void Measure(string name, string mode, long bytes, Func<long> run)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long tokens = run();
        double seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine($"{name,-20} {mode,-16} {bytes / 1e6 / seconds,8:F1} {tokens / 1e6 / seconds,8:F2} {bytes / 1e6 / cpuSeconds,9:F1} {tokens,10}");
    }

    /// <summary>English-like lines (~80-400 chars): common words, invented words, capitals, numbers, punctuation.</summary>
    private static List<string> GenerateText(int targetChars, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string>();
        var sb = new System.Text.StringBuilder();
        int total = 0;
        while (total < targetChars)
        {
            sb.Clear();
            int sentences = random.Next(1, 5);
            for (int s = 0; s < sentences; s++)
            {
                int words = random.Next(5, 20);
                for (int w = 0; w < words; w++)
                {
                    if (w > 0) sb.Append(' ');
                    double r = random.NextDouble();
                    string word = r < 0.75 ? CommonWords[random.Next(CommonWords.Length)]
                        : r < 0.92 ? string.Concat(Enumerable.Range(0, random.Next(2, 4)).Select(_ => Syllables[random.Next(Syllables.Length)]))
                        : random.Next(0, 100000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (w == 0) word = char.ToUpperInvariant(word[0]) + word[1..];
                    sb.Append(word);
                    if (w < words - 1 && random.NextDouble() < 0.08) sb.Append(',');
                }
                sb.Append(random.NextDouble() < 0.85 ? ". " : "? ");
            }
            var line = sb.ToString().TrimEnd();
            lines.Add(line);
            total += line.Length;
        }
        return lines;
    }

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LlmMlNet.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "tokenizers"));
        throw new DirectoryNotFoundException("LlmMlNet.sln not found above the benchmark; pass --fixtures DIR.");
    }
}
