// `llmmlnet bench` in-process at toy sizes: the JSON fields issue 4 asks for in each mode (tokens/s as
// batch tokens over the median step, step_ms, peak memory, trainable parameters) and usage errors.
using LlmMlNet.Cli.Tests.Support;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BenchCommandTests
{
    [Theory]
    [InlineData("infer")]
    [InlineData("train")]
    [InlineData("lora")]
    public void ReportsMedianThroughputAsJson(string mode)
    {
        var run = CliHarness.Run("bench", "--preset", "tiny", "--mode", mode, "--batch-size", "2", "--max-length", "16", "--steps", "3", "--warmup", "1", "--threads", "1", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var json = run.Json();
        Assert.Equal(3, json.GetProperty("steps").GetInt32());
        var steps = json.GetProperty("step_ms_all").EnumerateArray().Select(e => e.GetDouble()).Order().ToArray();
        double median = json.GetProperty("step_ms").GetDouble();
        Assert.Equal(steps[1], median, 3);
        // step_ms is rounded to microseconds (at most 0.0005 ms off) and tokens/s to 0.1, so the two agree to 0.0005 / step_ms
        // relative, plus a margin: about 2e-4 for a 5 ms step, but 0.2 % for the sub-millisecond steps of this toy size.
        double tolerance = 0.0005 / median + 1e-4;
        Assert.InRange(json.GetProperty("tokens_per_second").GetDouble() / (2 * 16 / (median / 1000)), 1 - tolerance, 1 + tolerance);
        Assert.True(json.GetProperty("peak_memory_mb").GetDouble() > 0);
        long trainable = json.GetProperty("trainable_parameters").GetInt64(), total = json.GetProperty("total_parameters").GetInt64();
        switch (mode)
        {
            case "infer": Assert.Equal(0, trainable); break;
            case "train": Assert.Equal(total, trainable); break;
            default: Assert.InRange(trainable, 1, total / 20); break;
        }
    }

    [Fact]
    public void UsageErrorsExitWithOne()
    {
        Assert.Equal(1, CliHarness.Run("bench", "--preset", "tiny", "--mode", "fly").ExitCode);
        Assert.Equal(1, CliHarness.Run("bench", "--preset", "tiny", "--mode", "infer", "--steps", "0").ExitCode);
        Assert.Equal(1, CliHarness.Run("bench", "--mode", "infer").ExitCode);
    }
}
