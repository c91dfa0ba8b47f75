// `llmmlnet demo --real --quick` end to end on small review files with the real bert-base-uncased vocabulary:
// the table (pre-training, full, LoRA, scratch, curve points), both SVGs, the --json fields, predictable saved
// models; the usage errors of --real; that the recipe's settings (whole-word masking among them) reach the pre-training
// run; and finetune's warning for a fresh model at a pre-trained model's rate.
using System.Text.Json;
using System.Xml.Linq;
using LlmMlNet.Cli.Demo;
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.TestSupport;
using LlmMlNet.Transformers.Training;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class RealDemoTests : IDisposable
{
    private static readonly string Tokenizer = Path.Combine(RepoPaths.Fixtures, "tokenizers", "bert-base-uncased");
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-real-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static readonly string[] Positive = ["a wonderful , moving film", "the best performances of the year", "funny and warm", "a delight from start to finish"];
    private static readonly string[] Negative = ["a dull , lifeless mess", "the worst script in years", "boring and far too long", "an awful waste of talent"];

    private (string Txt, string Jsonl, string Train, string Test) WriteFiles()
    {
        string txt = Path.Combine(_temp, "reviews.txt"), jsonl = Path.Combine(_temp, "imdb.jsonl");
        string train = Path.Combine(_temp, "train.tsv"), test = Path.Combine(_temp, "test.tsv");
        File.WriteAllLines(txt, Positive.Concat(Negative).Select(s => s + " , i thought ."));
        File.WriteAllLines(jsonl, Positive.Concat(Negative).Select((s, i) => JsonSerializer.Serialize(new { id = i, label = i < 4 ? 1 : 0, text = "Honestly: " + s + "!<br />" })));
        File.WriteAllLines(train, ["sentence\tlabel", .. Positive.Select(s => s + "\t1"), .. Negative.Select(s => s + "\t0")]);
        File.WriteAllLines(test, ["sentence\tlabel", "a wonderful mess\t1", "funny , but too long\t0", "the best film\t1", "the worst film\t0"]);
        return (txt, jsonl, train, test);
    }

    [Fact]
    public void QuickRealDemoPretrainsFineTunesAndReportsTheComparison()
    {
        var (txt, jsonl, train, test) = WriteFiles();
        var output = Path.Combine(_temp, "out");
        var run = CliHarness.Run("demo", "--real", "--quick", "--unlabeled", txt, jsonl, "--train", train, "--test", test, "--tokenizer", Tokenizer,
            "--output", output, "--threads", "2", "--json");
        Assert.True(run.ExitCode == 0, run.Error + run.Out);

        var table = File.ReadAllLines(Path.Combine(output, "results.md"));
        foreach (var row in new[] { "masked LM, 8 steps", "| full fine-tuning", "LoRA (all linear", "from scratch (control)", "after 4 pre-training steps" })
            Assert.Contains(table, line => line.Contains(row));
        var json = run.Json();
        foreach (var field in new[] { "pretrained_full_accuracy", "pretrained_lora_accuracy", "scratch_accuracy" })
            Assert.InRange(json.GetProperty(field).GetDouble(), 0, 1);
        Assert.True(json.GetProperty("pretrain_seconds").GetDouble() > 0);
        Assert.True(json.GetProperty("finetune_seconds").GetDouble() > 0);
        Assert.Equal(8, json.GetProperty("pretrain_steps").GetInt32());
        Assert.Equal([0, 4, 8], json.GetProperty("curve").EnumerateArray().Select(p => p.GetProperty("step").GetInt32()));
        // The curve's last point is the full fine-tuning of the final model, its first the scratch control.
        Assert.Equal(json.GetProperty("pretrained_full_accuracy").GetDouble(), json.GetProperty("curve")[2].GetProperty("accuracy").GetDouble(), 4);
        Assert.Equal(json.GetProperty("scratch_accuracy").GetDouble(), json.GetProperty("curve")[0].GetProperty("accuracy").GetDouble(), 4);

        Assert.True(XDocument.Load(Path.Combine(output, "curves.svg")).Descendants().Count(e => e.Name.LocalName == "polyline") >= 4);
        Assert.True(XDocument.Load(Path.Combine(output, "accuracy.svg")).Descendants().Count(e => e.Name.LocalName == "polyline") >= 2);
        Assert.False(Directory.Exists(Path.Combine(output, "pretrain-checkpoints")));
        foreach (var name in new[] { "pretrained-full", "pretrained-lora", "scratch-full" })
        {
            var predict = CliHarness.Run("predict", "--model", Path.Combine(output, "models", name), "--text", "a wonderful film");
            Assert.True(predict.ExitCode == 0, name + ": " + predict.Error);
        }
    }

    [Fact]
    public void RealNeedsItsFilesAndTheFilesNeedReal()
    {
        var (txt, _, train, test) = WriteFiles();
        var missing = CliHarness.Run("demo", "--real", "--unlabeled", txt, "--train", train, "--tokenizer", Tokenizer, "--output", _temp);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--test", missing.Error);
        var stray = CliHarness.Run("demo", "--quick", "--train", train, "--output", _temp);
        Assert.Equal(1, stray.ExitCode);
        Assert.Contains("--real", stray.Error);
        var badExtension = CliHarness.Run("demo", "--real", "--quick", "--unlabeled", Path.ChangeExtension(txt, ".md"), "--train", train, "--test", test,
            "--tokenizer", Tokenizer, "--output", _temp);
        Assert.Equal(1, badExtension.ExitCode);
    }

    [Fact]
    public void FinetuneWarnsWhenAFreshModelGetsAPretrainedRate()
    {
        var (_, _, train, _) = WriteFiles();
        var slow = CliHarness.Run("finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", Tokenizer, "--train", train,
            "--method", "full", "--output", Path.Combine(_temp, "slow"), "--steps", "1", "--lr", "5e-5", "--json");
        Assert.True(slow.ExitCode == 0, slow.Error);
        Assert.Contains("warning", slow.Error);
        Assert.Contains("pre-trained", slow.Error);
        // The default full fine-tuning rate (5e-5) is a pre-trained model's too; the from-scratch rate passes without a warning.
        var byDefault = CliHarness.Run("finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", Tokenizer, "--train", train,
            "--method", "full", "--output", Path.Combine(_temp, "default"), "--steps", "1");
        Assert.True(byDefault.ExitCode == 0, byDefault.Error);
        Assert.Contains("warning", byDefault.Error);
        var fresh = CliHarness.Run("finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", Tokenizer, "--train", train,
            "--method", "full", "--output", Path.Combine(_temp, "fresh"), "--steps", "1", "--lr", "1e-3");
        Assert.True(fresh.ExitCode == 0, fresh.Error);
        Assert.DoesNotContain("warning", fresh.Error);
    }

    [Fact]
    public void TheRecipesSettingsReachThePretrainingRun()
    {
        var files = new RealDemoFiles(["reviews.txt"], "train.tsv", "test.tsv", Tokenizer);
        var full = RealDemoSettings.Full();
        var options = new RealDemoRunner(full, files, _temp, 2, 7).PretrainOptions();
        Assert.True(options.Masking.WholeWordMasking);
        Assert.Equal(full.BlockSize, options.BlockSize);
        Assert.Equal(full.PretrainBatchSize, options.Trainer.BatchSize);
        Assert.Equal(full.PretrainSteps, options.Trainer.MaxSteps);
        Assert.Equal(full.PretrainLearningRate, options.Trainer.LearningRate);
        Assert.Equal(7UL, options.Trainer.Seed);
        Assert.Null(options.Dropout); // BERT's 0.1 from the config
        // The rest of the masking is the library's (15 %, 80/10/10); switching whole words off reaches the run too.
        Assert.Equal(new MaskingOptions().MaskProbability, options.Masking.MaskProbability);
        var pieces = new RealDemoRunner(full with { WholeWordMasking = false }, files, _temp, 2, 7).PretrainOptions();
        Assert.False(pieces.Masking.WholeWordMasking);
        Assert.Equal(0f, new RealDemoRunner(full with { PretrainDropout = 0f }, files, _temp, 2, 7).PretrainOptions().Dropout);
    }
}
