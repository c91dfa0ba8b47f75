// Runs the four notebooks in notebooks/ and the README's C# example as one generated .NET 10 program
// referencing the built libraries (NotebookProgram), failing with the notebook and cell that threw or
// the compiler's message. Also checks each notebook declares the .NET (C#) kernel.
using System.Text.Json;
using LlmMlNet.TestSupport;
using Xunit;

namespace LlmMlNet.Cli.Tests.Notebooks;

public sealed class NotebookTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-notebooks-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string[] Notebooks => Directory.GetFiles(Path.Combine(RepoPaths.Root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void NotebooksDeclareTheCSharpKernel()
    {
        Assert.Equal(4, Notebooks.Length);
        foreach (var path in Notebooks)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var metadata = json.RootElement.GetProperty("metadata");
            var kernel = metadata.GetProperty("kernelspec");
            Assert.Equal(".net-csharp", kernel.GetProperty("name").GetString());
            Assert.Equal("C#", kernel.GetProperty("language").GetString());
            Assert.Equal(".NET (C#)", kernel.GetProperty("display_name").GetString());
            Assert.Equal("C#", metadata.GetProperty("language_info").GetProperty("name").GetString());
            Assert.True(NotebookProgram.Read(path).Cells.Count >= 3, path);
        }
    }

    [Fact]
    public void EveryCodeCellAndTheReadmeExampleRun()
    {
        var listings = Notebooks.Select(NotebookProgram.Read).Append(NotebookProgram.FirstCSharpBlock(Path.Combine(RepoPaths.Root, "README.md"))).ToList();
        var (exitCode, output) = NotebookProgram.BuildAndRun(Path.Combine(_temp, "program"), NotebookProgram.Generate(listings), TimeSpan.FromMinutes(8));
        Assert.True(exitCode == 0, output);
        foreach (var listing in listings) Assert.Contains($"ok {listing.Name}", output);
    }

    [Fact]
    public void GeneratorHoistsUsingsDropsMagicsAndKeepsDeclarationsAtFileLevel()
    {
        var source = NotebookProgram.Generate([new CodeListing("nb", ["#r \"x.dll\"\n#!about\nusing System.Text;\nvar sb = new StringBuilder();", "public sealed record Row(string Text);", "sb.Append(new Row(\"a\").Text);"])]);
        Assert.DoesNotContain("#r", source);
        Assert.DoesNotContain("#!about", source);
        Assert.StartsWith("using System.Text;", source);
        Assert.True(source.IndexOf("public sealed record Row", StringComparison.Ordinal) < source.IndexOf("public static class Listing0", StringComparison.Ordinal));
        Assert.True(source.IndexOf("var sb", StringComparison.Ordinal) < source.IndexOf("sb.Append", StringComparison.Ordinal));
    }
}
