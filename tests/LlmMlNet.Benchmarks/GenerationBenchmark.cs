// Suite `generation`: greedy generation with the KV cache on GPT-2 of preset mini with the real 50,257-token
// vocabulary, 128 prompt tokens + 128 new, batch 1 and 8: new tokens/s of our TokenGenerator against
// python/generate_bench.py (plain PyTorch with past_key_values), in the same run, interleaved; and the cost of
// a step per 32-token bucket for both, to show it stays flat as the cache grows. Not a test: asserts nothing.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlmMlNet.Tensors;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Generation;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Benchmarks;

/// <summary>Generation speed against PyTorch (issue 12's speed proof).</summary>
public static class GenerationBenchmark
{
    private const string Python = "/usr/bin/python3";

    /// <summary>
    /// Options: --batches 1,8; --prompt-length N (128); --new-tokens N (128); --repeats N (timed runs per engine, best kept; 3);
    /// --threads N (2); --preset NAME (mini); --vocab N (50257).
    /// </summary>
    public static int Run(string[] args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) flags[args[i].TrimStart('-')] = args[i + 1];
        string Get(string name, string fallback) => flags.GetValueOrDefault(name, fallback);
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var batches = Get("batches", "1,8").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int promptLength = Int("prompt-length", 128), newTokens = Int("new-tokens", 128), repeats = Int("repeats", 3), threads = Int("threads", 2);
        int vocab = Int("vocab", 50257);
        var preset = Get("preset", "mini");
        EngineSettings.Threads = threads;
        var config = SizePresets.Create(preset, ModelFamily.Gpt2, vocab) with { EosTokenId = null };
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder }, seed: 0);
        var generator = new TokenGenerator(parameters);
        var script = Path.Combine(AppContext.BaseDirectory, "python", "generate_bench.py");
        var havePython = File.Exists(Python) && File.Exists(script);
        if (!havePython) Console.WriteLine($"PyTorch: not measured ({Python} or {script} missing); ours only.");
        Console.WriteLine($"GPT-2 {preset}, vocab {vocab}, {promptLength} prompt + {newTokens} new tokens, greedy with KV cache, {threads} threads, " +
                          $"best of {repeats} runs each, load average {LoadAverage()}");
        foreach (var batch in batches)
        {
            var random = new Random(1);
            var prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, promptLength).Select(_ => random.Next(vocab)).ToArray()).ToArray();
            var ours = Measure(generator, prompts, newTokens, repeats);
            var torch = havePython
                ? RunPython(script, $"--preset {preset} --batch-size {batch} --prompt-length {promptLength} --new-tokens {newTokens} --vocab {vocab} --repeats {repeats} --threads {threads}")
                : null;
            Console.WriteLine($"batch {batch}: ours {ours.TokensPerSecond:F1} new tok/s, PyTorch {torch?.TokensPerSecond:F1} new tok/s, " +
                              $"ratio {(torch is null ? double.NaN : ours.TokensPerSecond / torch.TokensPerSecond):F2} (load average {LoadAverage()})");
            Console.WriteLine($"  prefill ms: ours {ours.PrefillMs:F1}, PyTorch {torch?.PrefillMs:F1}");
            Console.WriteLine($"  ms per step by new-token bucket: {string.Join("  ", ours.Buckets.Select((v, i) => $"[{i * 32},{i * 32 + 31}] ours {v:F2}" + (torch is null ? "" : $" / PyTorch {torch.Buckets[i]:F2}")))}");
        }
        return 0;
    }

    private sealed record Result(double TokensPerSecond, double PrefillMs, double[] Buckets);

    private static Result Measure(TokenGenerator generator, int[][] prompts, int newTokens, int repeats)
    {
        var options = new GenerationOptions { MaxNewTokens = newTokens, EosTokenIds = [] };
        generator.Generate(prompts, options with { MaxNewTokens = 8 }); // warm-up (JIT, buffers)
        Result? best = null;
        for (var r = 0; r < repeats; r++)
        {
            // The clock includes starting the session (the greedy head's bfloat16 snapshot is taken there).
            var clock = Stopwatch.StartNew();
            var session = generator.Start(prompts, options);
            var times = new List<double>();
            var last = 0.0;
            while (session.Step())
            {
                var now = clock.Elapsed.TotalMilliseconds;
                times.Add(now - last);
                last = now;
            }
            // Step 0 is the session's start and the prompt's forward (prefill); a bucket averages the steps of new tokens [32i, 32i + 31] after it.
            var steps = times.Skip(1).ToArray();
            var buckets = Enumerable.Range(0, (newTokens + 31) / 32).Select(b => steps.Skip(Math.Max(0, b * 32 - 1)).Take(b == 0 ? 31 : 32).Average()).ToArray();
            var result = new Result(prompts.Length * newTokens / (last / 1000), times[0], buckets);
            if (best is null || result.TokensPerSecond > best.TokensPerSecond) best = result;
        }
        return best!;
    }

    private static Result RunPython(string script, string arguments)
    {
        var info = new ProcessStartInfo(Python, $"{script} {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var line = stdout.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (process.ExitCode != 0 || line is null) throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {stderr}{stdout}");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new Result(root.GetProperty("new_tokens_per_second").GetDouble(), root.GetProperty("prefill_ms").GetDouble(),
            root.GetProperty("bucket_ms_per_step").EnumerateArray().Select(e => e.GetDouble()).ToArray());
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
