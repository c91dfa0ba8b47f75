// `fuzz`: the long run of the parser fuzz suite (tests/Shared/Fuzz): many FsCheck-generated mutations per
// parser from a seed (default: the clock), reporting per parser the cases, successes, documented refusals
// and any contract failure (an undocumented exception, a message without the file, or too many bytes).
// Usage: fuzz [--cases N] [--seed S] [--target NAME]. Exit code 1 when any case fails.
using System.Diagnostics;
using LlmMlNet.TestSupport.Fuzz;

namespace LlmMlNet.Benchmarks;

/// <summary>The long parser fuzz campaign.</summary>
public static class FuzzBenchmark
{
    /// <summary>Runs it; returns 0 when every case kept the contract.</summary>
    public static int Run(string[] args)
    {
        int cases = Option(args, "--cases") is { } c ? int.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : 5000;
        ulong seed = Option(args, "--seed") is { } s ? ulong.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : (ulong)DateTime.UtcNow.Ticks;
        var only = Option(args, "--target");
        var root = FindRoot();
        int failed = 0;
        Console.WriteLine($"fuzz: {cases} cases per parser, seed {seed}");
        foreach (var target in ParserFuzzTargets.All(root).Where(t => only is null || t.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var clock = Stopwatch.StartNew();
            var report = ParserFuzz.Run(target, cases, seed);
            failed += report.Failures.Count;
            Console.WriteLine($"  {report.Target,-22} {report.Cases,6} cases  {report.Succeeded,6} parsed  {report.Refused,6} refused  " +
                $"{report.Failures.Count,4} failures  {clock.Elapsed.TotalSeconds,6:F1} s");
            foreach (var failure in report.Failures.Take(5)) Console.WriteLine($"    {failure}");
        }
        return failed == 0 ? 0 : 1;
    }

    private static string? Option(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LlmMlNet.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"LlmMlNet.sln not found above {AppContext.BaseDirectory}");
    }
}
