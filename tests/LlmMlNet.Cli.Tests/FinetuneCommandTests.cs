// `llmmlnet finetune`, `evaluate` and `predict` in-process on tiny synthetic sentiment and QA data: the JSON
// fields, that a saved model of every method evaluates and predicts from disk exactly as it did in memory,
// bad rows (exit 2 with file and line, or skipped and counted), and the usage errors (exit 1).
using System.Text.Json;
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.Transformers.Data;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class FinetuneCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-ft-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string[] Finetune(string method, string train, string valid, string output, string tokenizer) =>
    [
        "finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train, "--valid", valid,
        "--method", method, "--output", output, "--steps", "4", "--batch-size", "8", "--max-length", "32", "--lr", "1e-3",
        "--seed", "3", "--threads", "1", "--json",
    ];

    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    [InlineData("adapter")]
    [InlineData("features")]
    public void SavedModelEvaluatesAndPredictsAsInMemory(string method)
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var (train, valid) = CliHarness.WriteSentiment(_temp);
        var output = Path.Combine(_temp, method);
        var run = CliHarness.Run(Finetune(method, train, valid, output, tokenizer));
        Assert.True(run.ExitCode == 0, run.Error);
        var json = run.Json();
        foreach (var field in new[] { "seconds", "peak_memory_mb", "accuracy", "macro_f1", "log_loss", "auc" })
            Assert.True(json.GetProperty(field).GetDouble() >= 0, field);
        long trainable = json.GetProperty("trainable_parameters").GetInt64(), total = json.GetProperty("total_parameters").GetInt64();
        if (method == "full") Assert.Equal(total, trainable);
        else Assert.True(trainable * 5 < total, $"{method} trains {trainable} of {total}");
        if (method != "features")
        {
            Assert.Equal(4, json.GetProperty("steps").GetInt32());
            Assert.True(json.GetProperty("final_loss").GetDouble() > 0);
        }

        var evaluated = CliHarness.Run("evaluate", "--model", output, "--data", valid, "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        var metrics = evaluated.Json();
        // The folder rebuilds the model trained in memory (LoRA unmerged, adapters, feature head): the same metrics.
        foreach (var field in new[] { "accuracy", "macro_f1", "auc", "log_loss" })
            Assert.Equal(json.GetProperty(field).GetDouble(), metrics.GetProperty(field).GetDouble(), 5);
        Assert.Equal(12, metrics.GetProperty("examples").GetInt32());

        var predicted = CliHarness.Run("predict", "--model", output, "--text", "a truly wonderful film");
        Assert.True(predicted.ExitCode == 0, predicted.Error);
        Assert.Contains(predicted.Json().GetProperty("label").GetString(), new[] { "negative", "positive" });
        var predictions = Path.Combine(_temp, "predictions.jsonl");
        Assert.Equal(0, CliHarness.Run("predict", "--model", output, "--input", valid, "--output", predictions).ExitCode);
        var rows = File.ReadAllLines(predictions).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var gold = TextClassificationReader.Read(valid).ToList();
        Assert.Equal(gold.Count, rows.Count);
        // The predicted labels score exactly the accuracy evaluate (and training) reported.
        double accuracy = rows.Zip(gold).Count(p => p.First.GetProperty("label").GetString() == p.Second.Label) / (double)gold.Count;
        Assert.Equal(metrics.GetProperty("accuracy").GetDouble(), accuracy, 6);
        Assert.Equal(gold.Select(g => g.LineNumber), rows.Select(r => r.GetProperty("line").GetInt64()));
    }

    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    [InlineData("adapter")]
    [InlineData("features")]
    public void SavedQaModelEvaluatesAndPredictsAsInMemory(string method)
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var train = CliHarness.WriteSquad(_temp, "train.json", seed: 1, contexts: 6);
        var dev = CliHarness.WriteSquad(_temp, "dev.json", seed: 2, contexts: 3);
        var output = Path.Combine(_temp, "qa-" + method);
        var run = CliHarness.Run("finetune", "--task", "qa", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train, "--valid", dev,
            "--method", method, "--output", output, "--steps", "3", "--batch-size", "4", "--max-length", "64", "--lr", "1e-3", "--seed", "3",
            "--threads", "1", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var json = run.Json();
        var evaluated = CliHarness.Run("evaluate", "--model", output, "--data", dev, "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        Assert.Equal(json.GetProperty("exact_match").GetDouble(), evaluated.Json().GetProperty("exact_match").GetDouble(), 3);
        Assert.Equal(json.GetProperty("f1").GetDouble(), evaluated.Json().GetProperty("f1").GetDouble(), 3);

        var predictions = Path.Combine(_temp, "answers.jsonl");
        var predicted = CliHarness.Run("predict", "--model", output, "--input", dev, "--output", predictions);
        Assert.True(predicted.ExitCode == 0, predicted.Error);
        var examples = new SquadReader(dev).ToList();
        var answers = File.ReadAllLines(predictions).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(examples.Select(e => e.Id), answers.Select(a => a.GetProperty("id").GetString()));
        // Every answer is a span of its context, at the offset given.
        foreach (var (e, a) in examples.Zip(answers))
            Assert.Equal(a.GetProperty("answer").GetString(), e.Context.Substring(a.GetProperty("start").GetInt32(), a.GetProperty("answer").GetString()!.Length));
        var single = CliHarness.Run("predict", "--model", output, "--text", examples[0].Context, "--question", examples[0].Question);
        Assert.True(single.ExitCode == 0, single.Error);
        Assert.Equal(answers[0].GetProperty("answer").GetString(), single.Json().GetProperty("answer").GetString());
    }

    [Fact]
    public void MalformedRowIsBadDataNamingFileAndLineUnlessSkipped()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var (train, valid) = CliHarness.WriteSentiment(_temp);
        var lines = File.ReadAllLines(train).ToList();
        lines.Insert(3, "a row without any label column");
        File.WriteAllLines(train, lines);
        var output = Path.Combine(_temp, "bad");
        var bad = CliHarness.Run(Finetune("full", train, valid, output, tokenizer));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("train.tsv:4", bad.Error);
        Assert.False(Directory.Exists(output));

        var strange = Path.Combine(_temp, "strange.tsv");
        File.WriteAllLines(strange, ["text\tlabel", "a fine film\tpositive", "a film\tmaybe"]);
        var unknownLabel = CliHarness.Run([.. Finetune("full", train, strange, output, tokenizer), "--skip-bad-rows"]);
        Assert.Equal(2, unknownLabel.ExitCode);
        Assert.Contains("strange.tsv:3", unknownLabel.Error);

        var skipped = CliHarness.Run([.. Finetune("features", train, valid, output, tokenizer), "--skip-bad-rows"]);
        Assert.True(skipped.ExitCode == 0, skipped.Error);
        Assert.Equal(1, skipped.Json().GetProperty("skipped_rows").GetInt32());
        Assert.Equal(0, CliHarness.Run("predict", "--model", output, "--text", "fine").ExitCode);
    }

    [Fact]
    public void UsageErrorsExitWithOne()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var (train, valid) = CliHarness.WriteSentiment(_temp, train: 4, valid: 2);
        var output = Path.Combine(_temp, "u");
        string[] ok = Finetune("full", train, valid, output, tokenizer);
        Assert.Equal(1, CliHarness.Run([.. ok.Where((_, i) => i is not (11 or 12))]).ExitCode); // no --method
        Assert.Equal(1, CliHarness.Run([.. ok, "--resume"]).ExitCode);
        Assert.Equal(1, CliHarness.Run([.. ok, "--model", _temp]).ExitCode);
        Assert.Equal(1, CliHarness.Run([.. ok, "--lora-rank", "0"]).ExitCode);
        Assert.Equal(1, CliHarness.Run("finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", tokenizer, "--train", Path.Combine(_temp, "none.tsv"), "--method", "full", "--output", output).ExitCode);
        Assert.Equal(1, CliHarness.Run("evaluate", "--model", Path.Combine(_temp, "missing"), "--data", valid).ExitCode);
        Assert.Equal(1, CliHarness.Run("predict", "--model", _temp).ExitCode);
        Assert.Equal(1, CliHarness.Run("predict", "--model", _temp, "--text", "x", "--input", valid).ExitCode);
    }
}
