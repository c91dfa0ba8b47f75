// Runs every notebook in notebooks/ headless in the real Polyglot C# kernel (dotnet-repl), as a user would after
// the preparation command of notebooks/README.md: the libraries are packed (LocalPackages), each notebook's
// `#i "nuget: FOLDER"` line points at that pack, and any cell error or unexecuted cell fails the test with the
// cell's number and message. Also checks that each notebook declares the C# kernel and references the packages.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmMlNet.Cli.Tests.Packaging;
using LlmMlNet.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace LlmMlNet.Cli.Tests.Notebooks;

public sealed class NotebookTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The folder the notebooks' <c>#i</c> line names and notebooks/README.md's preparation command fills.</summary>
    public const string PackageFolder = "/tmp/llmmlnet-packages";

    private static readonly string SourceLine = $"#i \"nuget: {PackageFolder}\"";

    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-notebooks-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string NotebookFolder => Path.Combine(RepoPaths.Root, "notebooks");

    private static List<string> NotebookNames() =>
        Directory.GetFiles(NotebookFolder, "*.ipynb").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var name in NotebookNames()) data.Add(name);
        return data;
    }

    [Fact]
    public void NotebooksDeclareTheCSharpKernelAndReferenceOurPackagesFromTheReadmesFolder()
    {
        var names = NotebookNames();
        Assert.Equal(5, names.Count);
        string readme = File.ReadAllText(Path.Combine(NotebookFolder, "README.md"));
        int bash = readme.IndexOf("```bash\n", StringComparison.Ordinal);
        Assert.True(bash >= 0, "notebooks/README.md has no ```bash block");
        string preparation = readme[(bash + 8)..readme.IndexOf("\n```", bash + 8, StringComparison.Ordinal)];
        Assert.Contains("dotnet pack LlmMlNet.Packages.slnf", preparation);
        Assert.Contains(PackageFolder, preparation);
        foreach (var name in names)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(NotebookFolder, name)));
            var metadata = json.RootElement.GetProperty("metadata");
            var kernel = metadata.GetProperty("kernelspec");
            Assert.Equal(".net-csharp", kernel.GetProperty("name").GetString());
            Assert.Equal(".NET (C#)", kernel.GetProperty("display_name").GetString());
            var firstCode = json.RootElement.GetProperty("cells").EnumerateArray().First(c => c.GetProperty("cell_type").GetString() == "code");
            var lines = firstCode.GetProperty("source").EnumerateArray().Select(l => l.GetString()!.TrimEnd('\n')).ToList();
            Assert.True(lines.Count >= 3, name);
            Assert.Equal(SourceLine, lines[0]);
            Assert.Contains("#r \"nuget: Microsoft.ML, 6.0.0\"", lines);
            Assert.Contains(lines, l => l.StartsWith("#r \"nuget: LlmMlNet.", StringComparison.Ordinal) && l.EndsWith($", {LocalPackages.Version}\"", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void NotebookRunsCleanInThePolyglotKernel(string name)
    {
        string notebook = PointedAtThePack(name);
        var clock = Stopwatch.StartNew();
        var run = PolyglotKernel.Run(notebook, Path.Combine(_temp, "executed-" + name), TimeSpan.FromMinutes(6), LocalPackages.RestoreEnvironment);
        output.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:F1} s in the kernel, {run.Cells.Count} code cells");
        Assert.True(run.Process.ExitCode == 0 && !run.Failed.Any() && run.Cells.Count >= 3, $"{name}:\n{run.Describe()}");
    }

    // A copy of the notebook whose `#i` line names this run's freshly packed folder instead of the README's folder,
    // so concurrent checkouts on one machine do not share packages.
    private string PointedAtThePack(string name)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(NotebookFolder, name)))!;
        int replaced = 0;
        foreach (var cell in json["cells"]!.AsArray())
        {
            var source = cell!["source"]!.AsArray();
            for (int i = 0; i < source.Count; i++)
                if (source[i]!.GetValue<string>().TrimEnd('\n') == SourceLine)
                {
                    source[i] = source[i]!.GetValue<string>().Replace(PackageFolder, LocalPackages.Folder, StringComparison.Ordinal);
                    replaced++;
                }
        }
        Assert.True(replaced == 1, $"{name}: expected one line {SourceLine}, found {replaced}");
        string copy = Path.Combine(_temp, name);
        File.WriteAllText(copy, json.ToJsonString());
        return copy;
    }
}
