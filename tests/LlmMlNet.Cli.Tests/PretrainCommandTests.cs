// `llmmlnet pretrain` in-process on a tiny synthetic corpus: a from-scratch MLM run with --json that
// saves a loadable checkpoint, a --resume that continues the step count, the masking options, and the usage errors.
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.TestSupport;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class PretrainCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-pre-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void MaskedLmFromScratchSavesACheckpointAndResumes()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var corpus = CliHarness.WriteCorpus(_temp);
        var output = Path.Combine(_temp, "mlm");
        string[] common = ["pretrain", "--objective", "mlm", "--preset", "tiny", "--tokenizer", tokenizer, "--corpus", corpus,
            "--output", output, "--batch-size", "2", "--max-length", "32", "--save-every", "2", "--seed", "7", "--threads", "1", "--json"];
        var run = CliHarness.Run([.. common, "--steps", "3"]);
        Assert.True(run.ExitCode == 0, run.Error);
        var json = run.Json();
        Assert.Equal(3, json.GetProperty("steps").GetInt32());
        Assert.True(json.GetProperty("final_loss").GetDouble() > 0);
        Assert.True(json.GetProperty("tokens_per_second").GetDouble() > 0);
        Assert.True(json.GetProperty("peak_memory_mb").GetDouble() > 0);
        long trainable = json.GetProperty("trainable_parameters").GetInt64();
        Assert.True(trainable > 100_000 && trainable == json.GetProperty("total_parameters").GetInt64());
        Assert.True(File.Exists(Path.Combine(output, "config.json")));
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "vocab.txt")) || File.Exists(Path.Combine(output, "tokenizer.json")));

        var resumed = CliHarness.Run([.. common, "--steps", "5", "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(5, resumed.Json().GetProperty("steps").GetInt32());
    }

    [Fact]
    public void LineByLineMakesOneExamplePerCorpusLine()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var corpus = CliHarness.WriteCorpus(_temp);
        int lines = File.ReadLines(corpus).Count(l => l.Trim().Length > 0);
        string[] common = ["pretrain", "--objective", "mlm", "--preset", "tiny", "--tokenizer", tokenizer, "--corpus", corpus,
            "--batch-size", "2", "--max-length", "64", "--epochs", "1", "--seed", "7", "--threads", "1", "--json"];
        var byLine = CliHarness.Run([.. common, "--output", Path.Combine(_temp, "lines"), "--line-by-line"]);
        Assert.True(byLine.ExitCode == 0, byLine.Error);
        Assert.Equal((lines + 1) / 2, byLine.Json().GetProperty("steps").GetInt32());
        // Packing fills 64-token blocks with several short lines, so an epoch takes fewer steps.
        var packed = CliHarness.Run([.. common, "--output", Path.Combine(_temp, "packed")]);
        Assert.True(packed.ExitCode == 0, packed.Error);
        Assert.True(packed.Json().GetProperty("steps").GetInt32() < (lines + 1) / 2);
    }

    /// <summary>A two-step masked-LM run of a fresh `tiny` model on the synthetic corpus (add --output and the options under test).</summary>
    private string[] TwoStepTinyMlm() =>
        ["pretrain", "--objective", "mlm", "--preset", "tiny", "--tokenizer", CliHarness.WriteTokenizer(_temp), "--corpus", CliHarness.WriteCorpus(_temp),
            "--batch-size", "2", "--max-length", "32", "--steps", "2", "--seed", "7", "--threads", "1", "--json"];

    /// <summary>Runs <paramref name="arguments"/> into the output folder <paramref name="name"/> with <paramref name="extra"/> options; the final loss.</summary>
    private double FinalLoss(string[] arguments, string name, params string[] extra)
    {
        var run = CliHarness.Run([.. arguments, "--output", Path.Combine(_temp, name), .. extra]);
        Assert.True(run.ExitCode == 0, run.Error);
        return run.Json().GetProperty("final_loss").GetDouble();
    }

    [Fact]
    public void MaskingOptionsReachTheMasker()
    {
        var common = TwoStepTinyMlm();
        double Loss(string name, params string[] extra) => FinalLoss(common, name, extra);
        double standard = Loss("standard");
        Assert.Equal(standard, Loss("standard-again", "--mask-probability", "0.15"));
        Assert.NotEqual(standard, Loss("half", "--mask-probability", "0.5"));
        Assert.True(Loss("whole-word", "--whole-word") > 0);

        // The synthetic lexicon's words are single pieces, where whole words change nothing; bert-base-uncased splits these
        // reviews' rarer words, so selecting whole words must change which positions are predicted, and so the loss.
        var reviews = Path.Combine(_temp, "reviews.txt");
        File.WriteAllLines(reviews, Enumerable.Range(0, 16).Select(i =>
            $"an unbelievably overacted melodrama , screenwriters {i} times unconvincingly rehashing unwatchable subplots"));
        string[] bert = ["pretrain", "--objective", "mlm", "--preset", "tiny", "--tokenizer", Path.Combine(RepoPaths.Fixtures, "tokenizers", "bert-base-uncased"),
            "--corpus", reviews, "--batch-size", "4", "--max-length", "32", "--steps", "2", "--seed", "7", "--threads", "1", "--json"];
        double BertLoss(string name, params string[] extra) => FinalLoss(bert, name, extra);
        Assert.NotEqual(BertLoss("bert-pieces"), BertLoss("bert-words", "--whole-word"));

        var clm = CliHarness.Run([.. common.Select(a => a == "mlm" ? "clm" : a), "--output", Path.Combine(_temp, "clm"), "--whole-word"]);
        Assert.Equal(1, clm.ExitCode);
        Assert.Contains("--objective mlm", clm.Error);
        var tooMuch = CliHarness.Run([.. common, "--output", Path.Combine(_temp, "too-much"), "--mask-probability", "1.5"]);
        Assert.Equal(1, tooMuch.ExitCode);
        Assert.Contains("--mask-probability", tooMuch.Error);
    }

    [Fact]
    public void DropoutOptionReachesTheRunAndTheSavedConfigKeepsItsOwn()
    {
        var common = TwoStepTinyMlm();
        double Loss(string name, params string[] extra) => FinalLoss(common, name, extra);
        double configs = Loss("config-dropout");
        Assert.Equal(configs, Loss("explicit-0.1", "--dropout", "0.1"));
        Assert.NotEqual(configs, Loss("no-dropout", "--dropout", "0"));
        using var saved = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_temp, "no-dropout", "config.json")));
        Assert.Equal(0.1, saved.RootElement.GetProperty("hidden_dropout_prob").GetDouble(), 6);
        Assert.Equal(0.1, saved.RootElement.GetProperty("attention_probs_dropout_prob").GetDouble(), 6);

        var bad = CliHarness.Run([.. common, "--output", Path.Combine(_temp, "bad"), "--dropout", "1"]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--dropout", bad.Error);
    }

    [Fact]
    public void UsageErrorsExitWithOne()
    {
        var corpus = CliHarness.WriteCorpus(_temp, documents: 2);
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var output = Path.Combine(_temp, "o");
        Assert.Equal(1, CliHarness.Run("pretrain", "--objective", "mlm", "--preset", "tiny", "--corpus", corpus, "--output", output).ExitCode);
        Assert.Equal(1, CliHarness.Run("pretrain", "--objective", "mlm", "--preset", "tiny", "--tokenizer", tokenizer, "--model", _temp, "--corpus", corpus, "--output", output).ExitCode);
        Assert.Equal(1, CliHarness.Run("pretrain", "--objective", "xlm", "--preset", "tiny", "--tokenizer", tokenizer, "--corpus", corpus, "--output", output).ExitCode);
        Assert.Equal(1, CliHarness.Run("pretrain", "--objective", "mlm", "--preset", "huge", "--tokenizer", tokenizer, "--corpus", corpus, "--output", output).ExitCode);
        Assert.Equal(1, CliHarness.Run("pretrain", "--objective", "mlm", "--preset", "tiny", "--tokenizer", tokenizer, "--corpus", corpus, "--output", output, "--steps", "0").ExitCode);
        var missing = CliHarness.Run("pretrain", "--objective", "mlm", "--preset", "tiny", "--tokenizer", tokenizer, "--corpus", Path.Combine(_temp, "nope.txt"), "--output", output);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nope.txt", missing.Error);
        var noCheckpoint = CliHarness.Run("pretrain", "--objective", "mlm", "--preset", "tiny", "--tokenizer", tokenizer, "--corpus", corpus, "--output", output, "--resume");
        Assert.Equal(1, noCheckpoint.ExitCode);
    }
}
