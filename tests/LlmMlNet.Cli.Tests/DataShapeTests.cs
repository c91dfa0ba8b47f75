// The shapes of public data sets the CLI reads, in miniature: an IMDB-style CSV whose quoted reviews hold
// commas, quotes and line breaks; GLUE SST-2's train layout (integer labels) and its test layout
// (index, sentence; no label) for predict; SQuAD v2.0 with plausible_answers; and dev-set questions with
// several gold answers, scored by the best of them.
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Workbench.Synthetic;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class DataShapeTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-shapes-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static List<JsonElement> JsonLines(string path) => File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private string[] Finetune(string task, string train, string output, params string[] extra) =>
    [
        "finetune", "--task", task, "--preset", "tiny", "--tokenizer", CliHarness.WriteTokenizer(_temp), "--train", train, "--method", "full",
        "--output", output, "--steps", "2", "--batch-size", "4", "--max-length", "48", "--seed", "1", "--threads", "1", "--json", .. extra,
    ];

    [Fact]
    public void QuotedMultiLineCsvAndSst2LayoutsTrainAndPredict()
    {
        var data = SentimentDatasetGenerator.Generate(2, new SentimentDatasetOptions { TrainCount = 12, ValidationCount = 4, TestCount = 4 });
        // IMDB-style: the review spans lines and holds commas, doubled quotes and <br /> tags; string labels.
        var csv = Path.Combine(_temp, "imdb.csv");
        File.WriteAllLines(csv, ["text,label", .. data.Train.Select(e => $"\"{e.Text}, \"\"really\"\"<br />\n{e.Text}\",{e.Label}")]);
        var run = CliHarness.Run(Finetune("classification", csv, Path.Combine(_temp, "imdb")));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(0, run.Json().GetProperty("skipped_rows").GetInt32());
        Assert.Equal(12, run.Json().GetProperty("train_examples").GetInt32());
        var read = TextClassificationReader.Read(csv).ToList();
        Assert.Equal(12, read.Count);
        Assert.Contains("\"really\"<br />\n", read[0].Text);

        var predictions = Path.Combine(_temp, "imdb.jsonl");
        Assert.Equal(0, CliHarness.Run("predict", "--model", Path.Combine(_temp, "imdb"), "--input", csv, "--output", predictions).ExitCode);
        var rows = JsonLines(predictions);
        Assert.Equal(read.Select(e => e.LineNumber), rows.Select(r => r.GetProperty("line").GetInt64()));
        Assert.All(rows, r => Assert.Contains(r.GetProperty("label").GetString(), new[] { "negative", "positive" }));

        // GLUE SST-2: train.tsv is sentence<TAB>label with integer labels; test.tsv is index<TAB>sentence without labels.
        var sst2 = Path.Combine(_temp, "train.tsv");
        File.WriteAllLines(sst2, ["sentence\tlabel", .. data.Train.Select(e => $"{e.Text} \t{(e.Label == "positive" ? 1 : 0)}")]);
        var test = Path.Combine(_temp, "test.tsv");
        File.WriteAllLines(test, ["index\tsentence", .. data.Test.Select((e, i) => $"{i}\t{e.Text} ")]);
        Assert.Equal(0, CliHarness.Run(Finetune("classification", sst2, Path.Combine(_temp, "sst2"))).ExitCode);
        var testPredictions = Path.Combine(_temp, "test.jsonl");
        var predicted = CliHarness.Run("predict", "--model", Path.Combine(_temp, "sst2"), "--input", test, "--output", testPredictions);
        Assert.True(predicted.ExitCode == 0, predicted.Error);
        var testRows = JsonLines(testPredictions);
        Assert.Equal(4, testRows.Count);
        Assert.All(testRows, r => Assert.Equal(["0", "1"], r.GetProperty("probabilities").EnumerateObject().Select(p => p.Name)));
        // A label-less file cannot be evaluated: the header is checked before any work.
        Assert.Equal(2, CliHarness.Run("evaluate", "--model", Path.Combine(_temp, "sst2"), "--data", test).ExitCode);
    }

    [Fact]
    public void SquadV2WithPlausibleAnswersAndSeveralGoldsScoreByTheBest()
    {
        var train = CliHarness.WriteSquad(_temp, "train.json", seed: 4, contexts: 4, unanswerable: 0.3);
        // SQuAD v2.0 dev files keep plausible_answers beside the empty answers of impossible questions: read, and ignored.
        var v2 = JsonDocument.Parse(File.ReadAllText(train)).RootElement;
        var withPlausible = Path.Combine(_temp, "train-plausible.json");
        var root = JsonNode.Parse(File.ReadAllText(train))!;
        int impossible = 0;
        foreach (var qa in root["data"]!.AsArray().SelectMany(a => a!["paragraphs"]!.AsArray()).SelectMany(p => p!["qas"]!.AsArray()))
            if (qa!["is_impossible"]?.GetValue<bool>() == true)
            {
                qa["plausible_answers"] = new JsonArray(new JsonObject { ["text"] = "x", ["answer_start"] = 0 });
                impossible++;
            }
        Assert.True(impossible > 0);
        File.WriteAllText(withPlausible, root.ToJsonString());
        Assert.Equal("v2.0", v2.GetProperty("version").GetString());
        var output = Path.Combine(_temp, "qa");
        var run = CliHarness.Run(Finetune("qa", withPlausible, output, "--valid", withPlausible));
        Assert.True(run.ExitCode == 0, run.Error);
        var evaluated = CliHarness.Run("evaluate", "--model", output, "--data", withPlausible, "--json");
        Assert.Equal(run.Json().GetProperty("exact_match").GetDouble(), evaluated.Json().GetProperty("exact_match").GetDouble(), 3);

        // Several golds per question (as in the dev sets): one wrong, then the model's own answer. EM takes the best, so 100.
        var dev = CliHarness.WriteSquad(_temp, "dev.json", seed: 5, contexts: 2);
        var answers = Path.Combine(_temp, "answers.jsonl");
        Assert.Equal(0, CliHarness.Run("predict", "--model", output, "--input", dev, "--output", answers).ExitCode);
        var predicted = JsonLines(answers).Where(a => a.GetProperty("answer").GetString() != "").ToDictionary(a => a.GetProperty("id").GetString()!);
        var golds = new SquadReader(dev).Where(e => predicted.ContainsKey(e.Id)).Select(e =>
        {
            var mine = predicted[e.Id];
            var own = new QaAnswer(mine.GetProperty("answer").GetString()!, mine.GetProperty("start").GetInt32());
            var wrong = e.Context.StartsWith(own.Text, StringComparison.Ordinal) ? new QaAnswer(e.Context[^1..], e.Context.Length - 1) : new QaAnswer(e.Context[..1], 0);
            return e with { Answers = [wrong, own] };
        }).ToList();
        Assert.NotEmpty(golds);
        var multi = Path.Combine(_temp, "multi.json");
        SquadWriter.Write(multi, golds, SquadVersion.V1_1);
        var scored = CliHarness.Run("evaluate", "--model", output, "--data", multi, "--json");
        Assert.True(scored.ExitCode == 0, scored.Error);
        Assert.Equal(100.0, scored.Json().GetProperty("exact_match").GetDouble(), 6);
    }
}
