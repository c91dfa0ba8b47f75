// Runs `llmmlnet generate` in-process on the shared GPT-2 parity checkpoint: a JSONL file of "input_ids"
// lines gets Hugging Face's greedy ids (Fixtures/generation) in "token_ids" and their decoded text in
// "completion", "prompt" lines are encoded, other fields are kept; --prompt prints the completion and
// --json reports tokens_per_second; sampling is reproducible by --seed; bad lines and missing options
// give the documented exit codes.
using System.Text.Json;
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.TestSupport;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class GenerateCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-gen-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Model => RepoPaths.Fixture("parity", "gpt2-tiny-random");

    private static JsonElement BatchCase()
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "generation", "gpt2-tiny-random.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "batch_left_padded").Clone();
    }

    [Fact]
    public void InputIdsLinesGetHuggingFacesGreedyIdsAndPromptLinesTheirCompletion()
    {
        var c = BatchCase();
        var prompts = c.GetProperty("prompts").EnumerateArray().ToArray();
        var lines = prompts.Select((p, i) => JsonSerializer.Serialize(new { id = i, input_ids = p })).Append(JsonSerializer.Serialize(new { prompt = "Hello world", id = 99 }));
        var input = Path.Combine(_temp, "in.jsonl");
        File.WriteAllLines(input, lines);
        var output = Path.Combine(_temp, "out.jsonl");

        var run = CliHarness.Run("generate", "--model", Model, "--input", input, "--output", output, "--max-new-tokens", "12", "--batch-size", "3", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        var rows = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
        Assert.Equal(prompts.Length + 1, rows.Length);
        var tokenizer = Tokenizers.Tokenizer.Load(Model);
        for (var i = 0; i < rows.Length; i++)
        {
            var ids = rows[i].GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            if (i < prompts.Length)
            {
                Assert.Equal(i, rows[i].GetProperty("id").GetInt32());
                Assert.Equal(c.GetProperty("expected")[i].EnumerateArray().Select(e => e.GetInt32()), ids);
            }
            else Assert.Equal(99, rows[i].GetProperty("id").GetInt32());
            Assert.Equal(tokenizer.Decode(ids, skipSpecialTokens: true), rows[i].GetProperty("completion").GetString());
            Assert.Equal("length", rows[i].GetProperty("finish_reason").GetString());
        }
        var summary = run.Json();
        Assert.Equal(rows.Length, summary.GetProperty("rows").GetInt32());
        Assert.Equal(12 * rows.Length, summary.GetProperty("new_tokens").GetInt32());
        Assert.True(summary.GetProperty("tokens_per_second").GetDouble() > 0);
    }

    [Fact]
    public void APromptPrintsItsCompletionAndSamplingFollowsTheSeed()
    {
        var greedy = CliHarness.Run("generate", "--model", Model, "--prompt", "Hello world", "--max-new-tokens", "8", "--json");
        Assert.True(greedy.ExitCode == 0, greedy.Error);
        var json = greedy.Json();
        Assert.StartsWith(json.GetProperty("completion").GetString()!, greedy.Out);
        Assert.Equal(8, json.GetProperty("new_tokens").GetInt32());
        Assert.True(json.GetProperty("tokens_per_second").GetDouble() > 0);

        string[] Sample(string seed) => CliHarness.Run("generate", "--model", Model, "--prompt", "Hello world", "--max-new-tokens", "8", "--do-sample",
            "--top-k", "0", "--temperature", "1.5", "--seed", seed, "--json").Json().GetProperty("token_ids").EnumerateArray().Select(e => e.ToString()).ToArray();
        Assert.Equal(Sample("1"), Sample("1"));
        Assert.NotEqual(Sample("1"), Sample("2"));
    }

    [Fact]
    public void BadLinesAndMissingOptionsGiveTheDocumentedExitCodes()
    {
        var input = Path.Combine(_temp, "bad.jsonl");
        File.WriteAllLines(input, ["{\"prompt\": \"fine\"}", "{\"input_ids\": [1, 99999]}"]);
        var bad = CliHarness.Run("generate", "--model", Model, "--input", input, "--output", Path.Combine(_temp, "o.jsonl"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("bad.jsonl:2:", bad.Error);
        Assert.Contains("input_ids", bad.Error);
        Assert.False(File.Exists(Path.Combine(_temp, "o.jsonl")));

        Assert.Equal(1, CliHarness.Run("generate", "--model", Model).ExitCode);
        Assert.Equal(1, CliHarness.Run("generate", "--model", Model, "--input", input).ExitCode);
        Assert.Equal(1, CliHarness.Run("generate", "--model", Model, "--prompt", "x", "--top-p", "2").ExitCode);
    }
}
