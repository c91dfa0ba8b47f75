// The generative commands in-process: `demo --generative --quick` writes its table and data; `finetune --task sft`
// (LoRA, from the demo's pre-trained GPT) and `--task dpo` (full, from that SFT model, --beta) report their
// metrics, and `evaluate` scores the saved folders on text, SFT and preference data, the DPO one against the
// starting model its manifest records; a preset GPT (--preset --family gpt2) trains too; bad rows exit 2 naming the line.
using LlmMlNet.Cli.Tests.Support;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class GenerativeCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-gen-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void DemoThenFinetuneAndEvaluateEachDataKind()
    {
        var demo = Path.Combine(_temp, "demo");
        var run = CliHarness.Run("demo", "--generative", "--quick", "--output", demo, "--threads", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("pre-trained + SFT", File.ReadAllText(Path.Combine(demo, "results-generative.md")));
        Assert.Contains("DPO: prefer citing the rule", run.Out);
        string Data(string name) => Path.Combine(demo, "data", name);
        var pretrained = Path.Combine(demo, "models", "pretrained");

        var sft = Path.Combine(_temp, "sft");
        var trained = CliHarness.Run("finetune", "--task", "sft", "--model", pretrained, "--method", "lora", "--train", Data("sft_train.jsonl"),
            "--valid", Data("sft_heldout.jsonl"), "--output", sft, "--steps", "3", "--batch-size", "4", "--max-length", "48", "--lr", "1e-3",
            "--threads", "1", "--json");
        Assert.True(trained.ExitCode == 0, trained.Error);
        var json = trained.Json();
        Assert.Equal(3, json.GetProperty("steps").GetInt32());
        Assert.InRange(json.GetProperty("exact_match").GetDouble(), 0, 1);
        Assert.True(json.GetProperty("response_perplexity").GetDouble() > 1);
        Assert.True(json.GetProperty("trainable_parameters").GetInt64() * 20 < json.GetProperty("total_parameters").GetInt64());
        Assert.True(File.Exists(Path.Combine(sft, "adapter", "adapter_config.json")));

        var dpo = Path.Combine(_temp, "dpo");
        trained = CliHarness.Run("finetune", "--task", "dpo", "--model", sft, "--method", "full", "--beta", "0.2", "--train", Data("dpo_train.jsonl"),
            "--valid", Data("dpo_heldout.jsonl"), "--output", dpo, "--steps", "2", "--batch-size", "4", "--max-length", "48", "--lr", "1e-3",
            "--threads", "1", "--json");
        Assert.True(trained.ExitCode == 0, trained.Error);
        json = trained.Json();
        Assert.Equal(2, json.GetProperty("steps").GetInt32());
        foreach (var field in new[] { "eval_rewards/accuracies", "eval_rewards/margins", "train_rewards/chosen", "train_logps/rejected" })
            Assert.True(json.TryGetProperty(field, out _), field);

        var evaluated = CliHarness.Run("evaluate", "--model", dpo, "--data", Data("dpo_heldout.jsonl"), "--beta", "0.2", "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        var metrics = evaluated.Json();
        Assert.Equal(sft, metrics.GetProperty("reference").GetString());
        // The saved folder and the in-memory model score the held-out pairs alike against the same reference.
        Assert.Equal(json.GetProperty("eval_rewards/margins").GetDouble(), metrics.GetProperty("rewards/margins").GetDouble(), 4);
        Assert.Equal(metrics.GetProperty("rewards/accuracies").GetDouble(), metrics.GetProperty("preference_accuracy").GetDouble());

        evaluated = CliHarness.Run("evaluate", "--model", sft, "--data", Data("sft_heldout.jsonl"), "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        Assert.Equal("sft", evaluated.Json().GetProperty("data").GetString());
        Assert.InRange(evaluated.Json().GetProperty("exact_match").GetDouble(), 0, 1);
        evaluated = CliHarness.Run("evaluate", "--model", pretrained, "--data", Data("corpus.txt"), "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        Assert.InRange(evaluated.Json().GetProperty("perplexity").GetDouble(), 1, 1e4);

        var preset = CliHarness.Run("finetune", "--task", "sft", "--preset", "tiny", "--family", "gpt2", "--tokenizer", pretrained, "--method", "full",
            "--train", Data("sft_train.jsonl"), "--output", Path.Combine(_temp, "preset"), "--steps", "1", "--max-length", "48", "--threads", "1", "--json");
        Assert.True(preset.ExitCode == 0, preset.Error);

        File.WriteAllText(Path.Combine(_temp, "bad.jsonl"), "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}\n{\"prompt\": \"a\", \"chosen\": \"b\"}\n");
        var bad = CliHarness.Run("finetune", "--task", "dpo", "--model", sft, "--method", "lora", "--train", Path.Combine(_temp, "bad.jsonl"),
            "--output", Path.Combine(_temp, "bad"), "--steps", "1", "--threads", "1");
        Assert.True(bad.ExitCode == 2, $"exit {bad.ExitCode}: {bad.Error}");
        Assert.Contains("bad.jsonl:2", bad.Error);
    }
}
