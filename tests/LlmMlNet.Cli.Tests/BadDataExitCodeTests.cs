// Exit code 2 for every kind of bad data the commands meet, with the file (and line where the format has
// lines) in the message: malformed JSONL, CSV quoting, empty texts, a single label, a label the model does not
// know at evaluate time, a SQuAD answer that is not in its context, a question that leaves no room for its
// context, and a tokenizer that does not belong to the model.
using LlmMlNet.Cli.Tests.Support;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BadDataExitCodeTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-bad-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_temp, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private CliRun Finetune(string train, string? valid = null, params string[] extra) => CliHarness.Run(
    [
        "finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", CliHarness.WriteTokenizer(_temp), "--train", train,
        .. valid is null ? Array.Empty<string>() : ["--valid", valid],
        "--method", "full", "--output", Path.Combine(_temp, "out"), "--steps", "1", "--max-length", "16", "--threads", "1", .. extra,
    ]);

    private static void AssertBadData(CliRun run, string location)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains(location, run.Error);
    }

    [Fact]
    public void MalformedRowsOfEachFormatNameTheirLine()
    {
        AssertBadData(Finetune(Write("train.jsonl", """{"text": "good film", "label": "pos"}""", """{"text": "bad film", "label": """)), "train.jsonl:2");
        AssertBadData(Finetune(Write("train.jsonl", """{"text": "good film", "label": "pos"}""", """{"text": "bad", "label": 0.5}""")), "train.jsonl:2");
        AssertBadData(Finetune(Write("train.csv", "text,label", "good film,pos", "\"bad \"film\" here,neg", "fine,pos")), "train.csv:3");
        AssertBadData(Finetune(Write("train.tsv", "sentence\tlabel", "good film\tpos", " \tneg")), "train.tsv:3");
        AssertBadData(Finetune(Write("train.tsv", "sentence\tlabel", "good film\tpos", "bad film\t")), "train.tsv:3");
    }

    [Fact]
    public void BadLabelsAreBadData()
    {
        AssertBadData(Finetune(Write("one.tsv", "sentence\tlabel", "good film\t1", "bad film\t1")), "one.tsv");
        var train = Write("train.tsv", "sentence\tlabel", "good film\t1", "bad film\t0", "great\t1", "awful\t0");
        AssertBadData(Finetune(train, Write("valid.tsv", "sentence\tlabel", "good\t1", "meh\t2")), "valid.tsv:3");
        Assert.Equal(0, Finetune(train).ExitCode);
        var evaluated = CliHarness.Run("evaluate", "--model", Path.Combine(_temp, "out"), "--data", Write("test.tsv", "sentence\tlabel", "good\t1", "odd\tpositive"));
        AssertBadData(evaluated, "test.tsv:3");
    }

    [Fact]
    public void SquadProblemsAreBadData()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        string[] Qa(string train, int maxLength) =>
            ["finetune", "--task", "qa", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train, "--method", "full",
             "--output", Path.Combine(_temp, "qa"), "--steps", "1", "--max-length", maxLength.ToString(), "--threads", "1"];
        var wrong = Write("wrong.json", """{"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "the red fox runs", "qas": [{"id": "q1", "question": "what runs", "answers": [{"text": "wolf", "answer_start": 8}]}]}]}]}""");
        AssertBadData(CliHarness.Run(Qa(wrong, 64)), "wrong.json (");
        var longQuestion = string.Join(' ', Enumerable.Repeat("what", 40));
        var crowded = Write("crowded.json", $$"""{"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "the red fox runs", "qas": [{"id": "q1", "question": "{{longQuestion}}", "answers": [{"text": "fox", "answer_start": 8}]}]}]}]}""");
        AssertBadData(CliHarness.Run(Qa(crowded, 16)), "crowded.json");
    }

    [Fact]
    public void ATokenizerOfAnotherModelIsBadData()
    {
        var train = Write("train.tsv", "sentence\tlabel", "good film\t1", "bad film\t0");
        Assert.Equal(0, Finetune(train).ExitCode);
        var big = Path.Combine(_temp, "big");
        Directory.CreateDirectory(big);
        var vocab = File.ReadAllLines(Path.Combine(CliHarness.WriteTokenizer(_temp), "vocab.txt"));
        File.WriteAllLines(Path.Combine(big, "vocab.txt"), [.. vocab, .. Enumerable.Range(0, 50).Select(i => $"extra{i}")]);
        var run = CliHarness.Run("finetune", "--task", "classification", "--model", Path.Combine(_temp, "out"), "--tokenizer", big, "--train", train,
            "--method", "full", "--output", Path.Combine(_temp, "again"), "--steps", "1", "--threads", "1");
        AssertBadData(run, "big");
    }
}
