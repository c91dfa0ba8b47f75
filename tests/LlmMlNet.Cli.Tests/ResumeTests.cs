// Ctrl+C and --resume through the commands: a run cancelled mid-way (the test's stand-in for Ctrl+C is the
// same cancellation token) exits 3 after writing a checkpoint of the last finished step, and `--resume`
// from it ends with exactly the files and numbers of a run never stopped (finetune full and LoRA, pretrain).
using LlmMlNet.Cli.Tests.Support;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ResumeTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-resume-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Theory]
    [InlineData("full", "model.safetensors")]
    [InlineData("lora", "adapter/adapter_model.safetensors")]
    public void CancelledFinetuneResumesToTheUninterruptedResult(string method, string weights)
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var (train, valid) = CliHarness.WriteSentiment(_temp, train: 40);
        string[] Args(string output) =>
        [
            "finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train, "--valid", valid,
            "--method", method, "--output", output, "--epochs", "2", "--batch-size", "8", "--max-length", "32", "--lr", "1e-3",
            "--seed", "5", "--threads", "1", "--json",
        ];
        var straight = CliHarness.Run(Args(Path.Combine(_temp, "straight")));
        Assert.True(straight.ExitCode == 0, straight.Error);

        var stopped = Path.Combine(_temp, "stopped");
        // 40 examples in batches of 8 over 2 epochs: 10 steps; stop during the first epoch, after step 3.
        var cancelled = CliHarness.RunUntil("step 3/10", Args(stopped));
        Assert.Equal(3, cancelled.ExitCode);
        Assert.Contains("--resume", cancelled.Error);
        Assert.True(Directory.Exists(Path.Combine(stopped, "checkpoints", "checkpoint-3")), cancelled.Out + cancelled.Error);
        Assert.False(File.Exists(Path.Combine(stopped, "llmmlnet-task.json")));

        var resumed = CliHarness.Run([.. Args(stopped), "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        var (a, b) = (straight.Json(), resumed.Json());
        Assert.Equal(10, b.GetProperty("steps").GetInt32());
        foreach (var field in new[] { "final_loss", "accuracy", "log_loss" })
            Assert.Equal(a.GetProperty(field).GetDouble(), b.GetProperty(field).GetDouble());
        Assert.Equal(File.ReadAllBytes(Path.Combine(_temp, "straight", weights)), File.ReadAllBytes(Path.Combine(stopped, weights)));
    }

    [Fact]
    public void CancelledPretrainResumesToTheUninterruptedResult()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var corpus = CliHarness.WriteCorpus(_temp);
        string[] Args(string output) =>
        [
            "pretrain", "--objective", "mlm", "--preset", "tiny", "--tokenizer", tokenizer, "--corpus", corpus, "--output", output,
            "--steps", "5", "--batch-size", "2", "--max-length", "32", "--seed", "7", "--threads", "1", "--json",
        ];
        var straight = CliHarness.Run(Args(Path.Combine(_temp, "straight")));
        Assert.True(straight.ExitCode == 0, straight.Error);
        var stopped = Path.Combine(_temp, "stopped");
        Assert.Equal(3, CliHarness.RunUntil("step 2/5", Args(stopped)).ExitCode);
        Assert.True(Directory.Exists(Path.Combine(stopped, "checkpoints", "checkpoint-2")));
        var resumed = CliHarness.Run([.. Args(stopped), "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(straight.Json().GetProperty("final_loss").GetDouble(), resumed.Json().GetProperty("final_loss").GetDouble());
        Assert.Equal(File.ReadAllBytes(Path.Combine(_temp, "straight", "model.safetensors")), File.ReadAllBytes(Path.Combine(stopped, "model.safetensors")));
    }

    [Fact]
    public void ResumeWithoutACheckpointIsAUsageError()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var (train, _) = CliHarness.WriteSentiment(_temp, train: 8);
        var run = CliHarness.Run("finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train,
            "--method", "full", "--output", Path.Combine(_temp, "none"), "--steps", "1", "--resume");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no checkpoint", run.Error);
    }
}
