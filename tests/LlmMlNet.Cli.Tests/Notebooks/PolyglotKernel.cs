// Runs one notebook headless in the real .NET Interactive (Polyglot) C# kernel with dotnet-repl, the version the
// repository's tool manifest pins (.config/dotnet-tools.json), and reads the executed notebook back: which code
// cells ran and which produced an error. Not a converter: the kernel runs the cells as they are, magics included.
using System.Text.Json;
using LlmMlNet.Cli.Tests.Packaging;
using LlmMlNet.TestSupport;

namespace LlmMlNet.Cli.Tests.Notebooks;

/// <summary>One executed code cell: its index among the notebook's cells, whether it ran, and its error text if any.</summary>
internal sealed record ExecutedCell(int Index, bool Ran, string? Error);

/// <summary>The outcome of one headless notebook run.</summary>
internal sealed record NotebookRun(ProcessResult Process, IReadOnlyList<ExecutedCell> Cells)
{
    public IEnumerable<ExecutedCell> Failed => Cells.Where(c => c.Error is not null || !c.Ran);

    public string Describe() => string.Join("\n", Failed.Select(c => $"cell {c.Index}: {c.Error ?? "did not run"}"))
        + $"\n--- dotnet-repl (exit {Process.ExitCode}, {Process.Elapsed.TotalSeconds:F0} s) ---\n{Process.Output}";
}

internal static class PolyglotKernel
{
    private static readonly Lazy<ProcessResult> ToolRestore = new(() =>
        ProcessRunner.Run("dotnet", ["tool", "restore"], RepoPaths.Root, TimeSpan.FromMinutes(5)), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Runs <paramref name="notebook"/> with <c>dotnet tool run dotnet-repl --run NOTEBOOK --exit-after-run</c> (exit code 2
    /// on a failed cell), writing the executed notebook to <paramref name="outputPath"/>.
    /// </summary>
    public static NotebookRun Run(string notebook, string outputPath, TimeSpan timeout, IReadOnlyDictionary<string, string> environment)
    {
        var restore = ToolRestore.Value;
        if (!restore.Succeeded) throw new InvalidOperationException("dotnet tool restore failed:\n" + restore.Output);
        var process = ProcessRunner.Run("dotnet", ["tool", "run", "dotnet-repl", "--run", notebook, "--exit-after-run", "--output-path", outputPath],
            RepoPaths.Root, timeout, environment);
        return new NotebookRun(process, File.Exists(outputPath) ? ReadCells(outputPath) : []);
    }

    private static List<ExecutedCell> ReadCells(string executedNotebook)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(executedNotebook));
        var cells = new List<ExecutedCell>();
        int index = 0;
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            index++;
            if (cell.GetProperty("cell_type").GetString() != "code") continue;
            bool ran = cell.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("dotnet_repl_cellExecutionEndTime", out _);
            var errors = cell.GetProperty("outputs").EnumerateArray()
                .Where(o => o.GetProperty("output_type").GetString() == "error")
                .Select(o => $"{(o.TryGetProperty("ename", out var n) ? n.GetString() : "")} {(o.TryGetProperty("evalue", out var v) ? v.GetString() : "")}".Trim())
                .ToList();
            cells.Add(new ExecutedCell(index, ran, errors.Count == 0 ? null : string.Join("\n", errors)));
        }
        return cells;
    }
}
