// Malformed command lines and output paths (issue 13, items 2 and 3): every one ends in exit 1 with a
// message naming the option, before any training runs, and never in an unhandled exception (134) or a
// stack trace. Also the one exception map: a type the libraries throw on purpose gets its README code.
using LlmMlNet.Cli.Running;
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class HardeningExitCodeTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-hard-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string[] Finetune(string output, params string[] extra)
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var (train, valid) = CliHarness.WriteSentiment(_temp);
        return
        [
            "finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train, "--valid", valid,
            "--method", "full", "--output", output, "--max-length", "16", "--threads", "1", .. extra,
        ];
    }

    [Theory]
    [InlineData("--steps", "abc", "whole number")]
    [InlineData("--steps", "99999999999", "at most")]
    [InlineData("--seed", "1e3", "whole number")]
    [InlineData("--lr", "inf", "positive finite")]
    [InlineData("--lr", "nan", "positive finite")]
    [InlineData("--lr", "-1", "positive finite")]
    [InlineData("--batch-size", "0", "at least 1")]
    public void UnparseableOrOutOfRangeOptionValueIsAUsageErrorNamingTheOption(string option, string value, string expected)
    {
        var run = CliHarness.Run(Finetune(Path.Combine(_temp, "out"), option, value));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(option, run.Error);
        Assert.Contains(expected, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public void BenchThreadsThatAreNotANumberAreAUsageError()
    {
        var run = CliHarness.Run("bench", "--preset", "tiny", "--mode", "infer", "--threads", "abc");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--threads", run.Error);
    }

    [Fact]
    public void HugeBatchIsAUsageErrorBeforeAnyBufferIsAllocated()
    {
        var run = CliHarness.Run(Finetune(Path.Combine(_temp, "out"), "--batch-size", "100000000"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("100000000 × 16", run.Error);
        Assert.DoesNotContain("Overflow", run.Error);
    }

    [Fact]
    public void EmptyFileValuedOrUnwritableOutputIsRefusedBeforeTraining()
    {
        var empty = CliHarness.Run(Finetune(""));
        Assert.Equal(ExitCodes.Usage, empty.ExitCode);
        Assert.Contains("--output must not be empty", empty.Error);

        var file = Path.Combine(_temp, "a-file");
        File.WriteAllText(file, "x");
        var fileValued = CliHarness.Run(Finetune(file));
        Assert.Equal(ExitCodes.Usage, fileValued.ExitCode);
        Assert.Contains("is a file", fileValued.Error);
        var under = CliHarness.Run(Finetune(Path.Combine(file, "model")));
        Assert.Equal(ExitCodes.Usage, under.ExitCode);
        Assert.Contains("is a file, not a folder", under.Error);
        Assert.DoesNotContain("steps", fileValued.Out + under.Out);

        if (OperatingSystem.IsWindows() || Environment.UserName == "root") return; // root writes anywhere
        var readOnly = Directory.CreateDirectory(Path.Combine(_temp, "read-only")).FullName;
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var denied = CliHarness.Run(Finetune(Path.Combine(readOnly, "model")));
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(ExitCodes.Usage, denied.ExitCode);
        Assert.Contains("cannot be written", denied.Error);
    }

    [Fact]
    public void ForwardAndTokenizeFollowTheSameMapAsEveryOtherCommand()
    {
        var missing = Path.Combine(_temp, "missing.jsonl");
        var output = Path.Combine(_temp, "out.jsonl");
        var folder = CliHarness.WriteTokenizer(_temp);
        var forward = CliHarness.Run("forward", "--model", folder, "--input", missing, "--output", output);
        var tokenize = CliHarness.Run("tokenize", "--tokenizer", folder, "--input", missing, "--output", output);
        Assert.Equal(ExitCodes.Usage, forward.ExitCode);
        Assert.Equal(ExitCodes.Usage, tokenize.ExitCode);
        Assert.StartsWith("forward: ", forward.Error);
        Assert.StartsWith("tokenize: ", tokenize.Error);

        var badIds = Path.Combine(_temp, "bad.jsonl");
        File.WriteAllText(badIds, "{\"input_ids\": [1, \"two\"]}\n");
        var typed = CliHarness.Run("forward", "--model", folder, "--input", badIds, "--output", output);
        Assert.Equal(ExitCodes.BadData, typed.ExitCode);
        Assert.Contains("bad.jsonl: line 1", typed.Error);
        Assert.Contains("input_ids", typed.Error);
    }

    [Fact]
    public void TheMapGivesEachLibraryExceptionItsDocumentedCode()
    {
        Assert.Equal(ExitCodes.BadData, ExitCodeMap.For(new DataFormatException("f.tsv", 3, null, "bad")));
        Assert.Equal(ExitCodes.BadData, ExitCodeMap.For(new TokenizerFormatException("t.json", "model.vocab", "bad")));
        Assert.Equal(ExitCodes.BadData, ExitCodeMap.For(new InvalidDataException("x")));
        Assert.Equal(ExitCodes.BadData, ExitCodeMap.For(new NotSupportedException("x")));
        Assert.Equal(ExitCodes.Usage, ExitCodeMap.For(new FileNotFoundException("x")));
        Assert.Equal(ExitCodes.Usage, ExitCodeMap.For(new ArgumentOutOfRangeException("x")));
        Assert.Equal(ExitCodes.Usage, ExitCodeMap.For(new UsageException("x")));
        Assert.Equal(ExitCodes.Failure, ExitCodeMap.For(new IOException("disk full")));
        Assert.Equal(ExitCodes.Failure, ExitCodeMap.For(new NullReferenceException()));
        Assert.StartsWith("internal error (NullReferenceException)", ExitCodeMap.Message(new NullReferenceException()));
    }
}
