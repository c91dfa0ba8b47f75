// `llmmlnet demo --quick` end to end: the results table (Markdown) with every method, the SVG curves,
// and that `predict` runs on the sentiment and QA models the demo saved.
using System.Xml.Linq;
using LlmMlNet.Cli.Tests.Support;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class DemoCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-demo-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void QuickDemoWritesTableCurvesAndPredictableModels()
    {
        var run = CliHarness.Run("demo", "--quick", "--output", _temp, "--threads", "2");
        Assert.True(run.ExitCode == 0, run.Error + run.Out);
        var table = File.ReadAllLines(Path.Combine(_temp, "results.md"));
        Assert.Equal(2 + 7, table.Length);
        foreach (var method in new[] { "masked LM", "full fine-tuning", "LoRA", "bottleneck adapters", "feature extraction", "from scratch", "EM " })
            Assert.Contains(table, line => line.Contains(method));
        var accuracies = table.Where(l => l.Contains("accuracy")).Select(l => double.Parse(l.Split("accuracy ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(accuracies, a => Assert.InRange(a, 0, 1));

        var svg = XDocument.Load(Path.Combine(_temp, "curves.svg"));
        Assert.True(svg.Descendants().Count(e => e.Name.LocalName == "polyline") >= 5);

        // Every sentiment model the demo saved runs in predict, whatever its method.
        foreach (var folder in Directory.GetDirectories(Path.Combine(_temp, "models"), "sentiment-*"))
        {
            var sentiment = CliHarness.Run("predict", "--model", folder, "--text", "a wonderful film");
            Assert.True(sentiment.ExitCode == 0, folder + ": " + sentiment.Error);
            Assert.Contains("probabilities", sentiment.Out);
        }
        Assert.Equal(5, Directory.GetDirectories(Path.Combine(_temp, "models"), "sentiment-*").Length);
        var qa = CliHarness.Run("predict", "--model", Path.Combine(_temp, "models", "qa-full"), "--text", "Anna lives in Paris.", "--question", "Where does Anna live?");
        Assert.True(qa.ExitCode == 0, qa.Error);
        Assert.Contains("answer", qa.Out);
    }
}
