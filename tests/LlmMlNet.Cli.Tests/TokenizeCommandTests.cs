// Runs `llmmlnet tokenize` in-process on temp files with the real bert-base-uncased fixture and checks
// the JSONL it writes, and the exit codes for bad data (2) and bad usage (1).
using System.Text.Json;
using LlmMlNet.TestSupport;
using Xunit;

namespace LlmMlNet.Cli.Tests;

public sealed class TokenizeCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-tok-").FullName;
    private static string Bert => RepoPaths.Fixture("tokenizers", "bert-base-uncased");

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_temp, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static int Run(params string[] args) => CliApp.Run(args);

    private static List<JsonElement> ReadJsonLines(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static int[] Ints(JsonElement e, string field) => e.GetProperty(field).EnumerateArray().Select(x => x.GetInt32()).ToArray();

    [Fact]
    public void TextFileOneInputPerLine()
    {
        var input = Write("in.txt", "hello world\r\ncafé 👍\n");
        var output = Path.Combine(_temp, "out.jsonl");
        Assert.Equal(0, Run("tokenize", "--tokenizer", Bert, "--input", input, "--output", output));
        var lines = ReadJsonLines(output);
        Assert.Equal(2, lines.Count);
        Assert.Equal([101, 7592, 2088, 102], Ints(lines[0], "ids"));
        Assert.Equal(["[CLS]", "hello", "world", "[SEP]"], lines[0].GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal([101, 7668, 100, 102], Ints(lines[1], "ids"));
        var offsets = lines[1].GetProperty("offsets").EnumerateArray().Select(o => (o[0].GetInt32(), o[1].GetInt32()));
        Assert.Equal([(0, 0), (0, 4), (5, 7), (0, 0)], offsets);
    }

    [Fact]
    public void JsonLinesPairsNoSpecialAndMaxLength()
    {
        var input = Write("in.jsonl", "{\"text\": \"hello\", \"text_pair\": \"world\"}\n{\"text\": \"hello hello hello\", \"text_pair\": \"world world world\"}\n");
        var output = Path.Combine(_temp, "pairs.jsonl");
        Assert.Equal(0, Run("tokenize", "--tokenizer", Path.Combine(Bert, "tokenizer.json"), "--input", input, "--pairs", "--max-length", "7", "--output", output));
        var lines = ReadJsonLines(output);
        Assert.Equal([101, 7592, 102, 2088, 102], Ints(lines[0], "ids"));
        Assert.Equal([0, 0, 0, 1, 1], Ints(lines[0], "type_ids"));
        Assert.Equal(7, Ints(lines[1], "ids").Length);

        var plain = Path.Combine(_temp, "plain.jsonl");
        Assert.Equal(0, Run("tokenize", "--tokenizer", Bert, "--input", input, "--no-special", "--output", plain));
        Assert.Equal([7592, 2088], Ints(ReadJsonLines(plain)[0], "ids"));
    }

    [Fact]
    public void BadJsonLineIsBadDataAndWritesNothing()
    {
        var input = Write("bad.jsonl", "{\"text\": \"ok\"}\n{\"txt\": 3}\n");
        var output = Path.Combine(_temp, "never.jsonl");
        Assert.Equal(2, Run("tokenize", "--tokenizer", Bert, "--input", input, "--output", output));
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_temp, "*.tmp"));
    }

    [Fact]
    public void PairsWithoutTabIsBadData()
    {
        var input = Write("pairs.txt", "a\tb\nno tab here\n");
        Assert.Equal(2, Run("tokenize", "--tokenizer", Bert, "--input", input, "--pairs", "--output", Path.Combine(_temp, "o.jsonl")));
    }

    [Fact]
    public void MalformedTokenizerIsBadData()
    {
        var tokenizer = Write("tokenizer.json", "{\"model\": {\"type\": \"Unigram\", \"vocab\": {}}}");
        var input = Write("in2.txt", "hi\n");
        Assert.Equal(2, Run("tokenize", "--tokenizer", tokenizer, "--input", input, "--output", Path.Combine(_temp, "o.jsonl")));
    }

    [Fact]
    public void MissingOptionOrFileIsUsage()
    {
        Assert.Equal(1, Run("tokenize", "--tokenizer", Bert, "--output", Path.Combine(_temp, "o.jsonl")));
        Assert.Equal(1, Run("tokenize", "--tokenizer", Bert, "--input", Path.Combine(_temp, "missing.txt"), "--output", Path.Combine(_temp, "o.jsonl")));
    }
}
