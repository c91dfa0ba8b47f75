// Runs `llmmlnet export` in-process: the default head of a checkpoint, an explicit head with an opset, the
// GPT-2 decoder with past key values, and the refusals (unknown head, a head the family lacks, opset 16, a
// missing folder) with their exit codes. The numbers are checked by LlmMlNet.Onnx.Tests' parity tests.
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.TestSupport;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-export-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Fixture(string name) =>
        Path.Combine(RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "families", name);

    [Fact]
    public void ExportsTheDefaultHeadAndAnExplicitOne()
    {
        var bert = Path.Combine(_temp, "bert.onnx");
        var run = CliHarness.Run("export", "--model", RepoPaths.Fixture("parity", "bert-tiny-random"), "--output", bert);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("mlm head", run.Error);
        Assert.True(new FileInfo(bert).Length > 100_000);

        var qa = Path.Combine(_temp, "qa.onnx");
        run = CliHarness.Run("export", "--model", Fixture("roberta"), "--output", qa, "--head", "qa", "--opset", "18");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("start_logits, end_logits", run.Error);

        var decoder = Path.Combine(_temp, "decoder.onnx");
        run = CliHarness.Run("export", "--model", Fixture("gpt2"), "--output", decoder, "--with-past");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("past_key_values.0.key", run.Error);
    }

    [Fact]
    public void BadRequestsAreUsageErrors()
    {
        var output = Path.Combine(_temp, "x.onnx");
        Assert.Equal(ExitCodes.Usage, CliHarness.Run("export", "--model", Fixture("bert"), "--output", output, "--head", "nope").ExitCode);
        var clm = CliHarness.Run("export", "--model", Fixture("bert"), "--output", output, "--head", "clm");
        Assert.Equal(ExitCodes.Usage, clm.ExitCode);
        Assert.Contains("--head clm", clm.Error);
        Assert.Equal(ExitCodes.Usage, CliHarness.Run("export", "--model", Fixture("bert"), "--output", output, "--opset", "16").ExitCode);
        Assert.Equal(ExitCodes.Usage, CliHarness.Run("export", "--model", Path.Combine(_temp, "missing"), "--output", output).ExitCode);
        Assert.Equal(ExitCodes.BadData, CliHarness.Run("export", "--model", Fixture("bert-base-noprefix"), "--output", output, "--head", "qa").ExitCode);
        Assert.False(File.Exists(output));
    }
}
