// `llmmlnet finetune`, `evaluate` and `predict` in-process on tiny synthetic sentiment data: the JSON
// fields, that a saved model evaluates from disk exactly as it did in memory (full, and LoRA merged),
// bad rows (exit 2 with file and line, or skipped and counted), and the usage errors (exit 1).
using LlmMlNet.Cli.Tests.Support;
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
    public void SavedModelEvaluatesAsInMemoryAndPredicts(string method)
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var (train, valid) = CliHarness.WriteSentiment(_temp);
        var output = Path.Combine(_temp, method);
        var run = CliHarness.Run(Finetune(method, train, valid, output, tokenizer));
        Assert.True(run.ExitCode == 0, run.Error);
        var json = run.Json();
        Assert.Equal(4, json.GetProperty("steps").GetInt32());
        foreach (var field in new[] { "seconds", "tokens_per_second", "final_loss", "peak_memory_mb", "accuracy", "macro_f1", "log_loss", "auc" })
            Assert.True(json.GetProperty(field).GetDouble() >= 0, field);
        long trainable = json.GetProperty("trainable_parameters").GetInt64(), total = json.GetProperty("total_parameters").GetInt64();
        if (method == "lora") Assert.True(trainable * 10 < total, $"LoRA trains {trainable} of {total}");
        else Assert.Equal(total, trainable);

        var evaluated = CliHarness.Run("evaluate", "--model", output, "--data", valid, "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        var metrics = evaluated.Json();
        // The folder holds the model trained in memory (LoRA merged into the base): same predictions, same metrics.
        Assert.Equal(json.GetProperty("accuracy").GetDouble(), metrics.GetProperty("accuracy").GetDouble(), 6);
        Assert.Equal(json.GetProperty("log_loss").GetDouble(), metrics.GetProperty("log_loss").GetDouble(), 3);
        Assert.Equal(12, metrics.GetProperty("examples").GetInt32());

        var predicted = CliHarness.Run("predict", "--model", output, "--text", "a truly wonderful film");
        Assert.True(predicted.ExitCode == 0, predicted.Error);
        Assert.Contains(predicted.Json().GetProperty("label").GetString(), new[] { "negative", "positive" });
        var predictions = Path.Combine(_temp, "predictions.jsonl");
        Assert.Equal(0, CliHarness.Run("predict", "--model", output, "--input", valid, "--output", predictions).ExitCode);
        Assert.Equal(12, File.ReadAllLines(predictions).Length);
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
        Assert.Equal(1, CliHarness.Run("predict", "--model", output, "--text", "fine").ExitCode);
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
        Assert.Equal(1, CliHarness.Run("finetune", "--task", "qa", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train, "--method", "features", "--output", output).ExitCode);
        Assert.Equal(1, CliHarness.Run("finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", tokenizer, "--train", Path.Combine(_temp, "none.tsv"), "--method", "full", "--output", output).ExitCode);
        Assert.Equal(1, CliHarness.Run("evaluate", "--model", Path.Combine(_temp, "missing"), "--data", valid).ExitCode);
        Assert.Equal(1, CliHarness.Run("predict", "--model", _temp).ExitCode);
        Assert.Equal(1, CliHarness.Run("predict", "--model", _temp, "--text", "x", "--input", valid).ExitCode);
    }
}
