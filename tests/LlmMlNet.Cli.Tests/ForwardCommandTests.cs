// Runs `llmmlnet forward` in-process on the per-family parity fixtures (tests/LlmMlNet.Transformers.Tests/
// Fixtures/families): each batch row becomes one JSONL line, and every written array (last_hidden_state,
// logits, start/end logits) must match Hugging Face's reference output for that row within 1e-4.
// Also the refusals: a head the family lacks (usage) and a pickle-only folder (failure, clear message).
using System.Text.Json;
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.TestSupport;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ForwardCommandTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-fwd-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Fixture(string name) =>
        Path.Combine(RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "families", name);

    [Theory]
    [InlineData("roberta", "mlm", "mlm_logits")]
    [InlineData("roberta", "classification", "classifier_logits")]
    [InlineData("roberta", "qa", "qa")]
    [InlineData("distilbert", "mlm", "mlm_logits")]
    [InlineData("distilbert", "classification", "classifier_logits")]
    [InlineData("distilbert", "qa", "qa")]
    [InlineData("bert", "none", null)]
    [InlineData("gpt2", "clm", "lm_logits")]
    [InlineData("gpt2", "classification", "classifier_logits")]
    public void OutputsMatchTheReferenceRowByRow(string fixture, string head, string? output)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixture(fixture), "expected.json")));
        var part = document.RootElement.GetProperty("inputs");
        var inputs = part.GetProperty("inputs");
        var rows = inputs.GetProperty("input_ids").GetArrayLength();
        var input = Path.Combine(_temp, "in.jsonl");
        File.WriteAllLines(input, Enumerable.Range(0, rows).Select(r => JsonSerializer.Serialize(
            inputs.EnumerateObject().ToDictionary(p => p.Name, p => p.Value[r]))));
        var outputPath = Path.Combine(_temp, "out.jsonl");

        var run = CliHarness.Run("forward", "--model", Fixture(fixture), "--input", input, "--output", outputPath, "--head", head);

        Assert.True(run.ExitCode == 0, run.Error);
        var lines = File.ReadAllLines(outputPath).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(rows, lines.Count);
        var outputs = part.GetProperty("outputs");
        var gpt2 = fixture == "gpt2";
        for (var r = 0; r < rows; r++)
        {
            var mask = inputs.GetProperty("attention_mask")[r].EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var positions = gpt2 ? mask : mask.Select(_ => 1).ToArray();
            Compare(lines[r].GetProperty("last_hidden_state"), outputs.GetProperty("last_hidden_state"), r, positions, $"row {r} last_hidden_state");
            if (output == "qa")
            {
                Compare(lines[r].GetProperty("start_logits"), outputs.GetProperty("qa_start_logits"), r, positions, $"row {r} start_logits");
                Compare(lines[r].GetProperty("end_logits"), outputs.GetProperty("qa_end_logits"), r, positions, $"row {r} end_logits");
            }
            else if (output == "classifier_logits")
                Compare(lines[r].GetProperty("logits"), outputs.GetProperty(output), r, [1], $"row {r} logits");
            else if (output != null)
                Compare(lines[r].GetProperty("logits"), outputs.GetProperty(output), r, positions, $"row {r} logits");
            else Assert.False(lines[r].TryGetProperty("logits", out _));
        }
    }

    [Fact]
    public void HeadTheFamilyLacksIsAUsageErrorAndAPickleLackingWeightsIsBadData()
    {
        var input = Path.Combine(_temp, "in.jsonl");
        File.WriteAllText(input, "{\"input_ids\": [1, 2, 3]}\n");
        var output = Path.Combine(_temp, "out.jsonl");

        var mlm = CliHarness.Run("forward", "--model", Fixture("gpt2"), "--input", input, "--output", output, "--head", "mlm");
        Assert.Equal(ExitCodes.Usage, mlm.ExitCode);
        Assert.Contains("--head mlm", mlm.Error);

        var pickle = CliHarness.Run("forward", "--model", Fixture("bert-pytorch-bin-only"), "--input", input, "--output", output);
        Assert.Equal(ExitCodes.BadData, pickle.ExitCode);
        Assert.Contains("lacks encoder weight", pickle.Error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void HeadMissingFromABaseCheckpointIsRandomAndSaid()
    {
        var input = Path.Combine(_temp, "in.jsonl");
        File.WriteAllText(input, "{\"input_ids\": [2, 7, 9, 3], \"attention_mask\": [1, 1, 1, 1]}\n");
        var output = Path.Combine(_temp, "out.jsonl");
        var run = CliHarness.Run("forward", "--model", Fixture("roberta-base-noprefix"), "--input", input, "--output", output, "--head", "classification");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("classifier.out_proj.weight", run.Error);
        Assert.Contains("random", run.Error);
        Assert.Equal(3, JsonDocument.Parse(File.ReadAllLines(output).Single()).RootElement.GetProperty("logits").GetArrayLength());
    }

    // Compares the CLI's array for row `row` with the reference tensor [B, ...] row `row`, at the positions whose flag is 1.
    private static void Compare(JsonElement actual, JsonElement expected, int row, int[] positions, string what)
    {
        var shape = expected.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var data = expected.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var perRow = data.Length / shape[0];
        var values = Flatten(actual);
        Assert.Equal(perRow, values.Count);
        var width = perRow / positions.Length;
        for (var i = 0; i < perRow; i++)
        {
            if (positions[i / width] == 0) continue;
            var diff = Math.Abs(values[i] - data[row * perRow + i]);
            Assert.True(diff <= Tolerance, $"{what}[{i}]: {values[i]} vs {data[row * perRow + i]} (|diff| {diff})");
        }
    }

    private static List<double> Flatten(JsonElement element)
    {
        var values = new List<double>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array) foreach (var item in e.EnumerateArray()) Walk(item);
            else values.Add(e.GetDouble());
        }
        Walk(element);
        return values;
    }
}
