// `predict --engine onnxruntime` and `export` of folders `finetune` wrote: the same probabilities (and answers) as our
// engine for a classifier and a QA model, and the exported file's head, labels and method in its metadata.
using System.Text.Json;
using LlmMlNet.Cli.Tests.Support;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class PredictEngineTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-engine-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Theory]
    [InlineData("lora")]
    [InlineData("features")]
    public void ClassifierPredictsTheSameOnOnnxRuntimeAndExports(string method)
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var (train, valid) = CliHarness.WriteSentiment(_temp);
        var output = Path.Combine(_temp, method);
        var run = CliHarness.Run("finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train,
            "--valid", valid, "--method", method, "--output", output, "--steps", "3", "--batch-size", "8", "--max-length", "32", "--lr", "1e-3",
            "--seed", "3", "--threads", "1", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var ours = Predict(output, valid, "ours");
        var onnx = Predict(output, valid, "onnxruntime");
        Assert.Equal(ours.Count, onnx.Count);
        for (var i = 0; i < ours.Count; i++)
        {
            Assert.Equal(ours[i].GetProperty("label").GetString(), onnx[i].GetProperty("label").GetString());
            foreach (var p in ours[i].GetProperty("probabilities").EnumerateObject())
                Assert.True(Math.Abs(p.Value.GetSingle() - onnx[i].GetProperty("probabilities").GetProperty(p.Name).GetSingle()) <= 1e-4, $"row {i} {p.Name}");
        }

        var file = Path.Combine(_temp, method + ".onnx");
        var exported = CliHarness.Run("export", "--model", output, "--output", file);
        Assert.True(exported.ExitCode == 0, exported.Error);
        Assert.Contains("classification head", exported.Error);
        Assert.Contains("logits, probabilities", exported.Error);
    }

    [Fact]
    public void QaPredictsTheSameOnOnnxRuntime()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var train = CliHarness.WriteSquad(_temp, "train.json", seed: 1, contexts: 4);
        var dev = CliHarness.WriteSquad(_temp, "dev.json", seed: 2, contexts: 2);
        var output = Path.Combine(_temp, "qa");
        var run = CliHarness.Run("finetune", "--task", "qa", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train, "--valid", dev,
            "--method", "adapter", "--output", output, "--steps", "2", "--batch-size", "4", "--max-length", "64", "--lr", "1e-3", "--seed", "3",
            "--threads", "1", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var ours = Predict(output, dev, "ours");
        var onnx = Predict(output, dev, "onnxruntime");
        Assert.Equal(ours.Select(a => (a.GetProperty("answer").GetString(), a.GetProperty("start").GetInt32())),
            onnx.Select(a => (a.GetProperty("answer").GetString(), a.GetProperty("start").GetInt32())));
    }

    private List<JsonElement> Predict(string model, string input, string engine)
    {
        var path = Path.Combine(_temp, $"predictions-{engine}.jsonl");
        var run = CliHarness.Run("predict", "--model", model, "--input", input, "--output", path, "--engine", engine);
        Assert.True(run.ExitCode == 0, run.Error);
        return File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }
}
