// Tests of the streaming SQuAD reader: v1.1 and v2.0 shapes, the answer-span check naming the question
// id, skipping and counting bad questions, JSON errors with line numbers, and files larger than its buffer.

using System.Text;
using LlmMlNet.Transformers.Data;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Data;

public sealed class SquadReaderTests
{
    private const string V11 = """
        {"data": [{"title": "Denver", "paragraphs": [{"context": "The Broncos won Super Bowl 50 in Santa Clara.",
          "qas": [{"id": "q1", "question": "Who won?", "answers": [{"text": "The Broncos", "answer_start": 0},
                                                               {"text": "Broncos", "answer_start": 4}]},
                  {"id": "q2", "question": "Where?", "answers": [{"text": "Santa Clara", "answer_start": 33}]}]}]}],
         "version": "1.1"}
        """;

    private const string V20 = """
        {"version": "v2.0", "data": [{"title": "T", "paragraphs": [{"qas": [
          {"question": "Who?", "id": "a", "answers": [{"text": "Ann", "answer_start": 0}], "is_impossible": false},
          {"question": "When?", "id": "b", "answers": [], "plausible_answers": [{"text": "x", "answer_start": 0}], "is_impossible": true}],
          "context": "Ann sings."}]}]}
        """;

    [Fact]
    public void ReadsSquadV11WithSeveralGoldAnswers()
    {
        using var folder = new TempFolder();
        var reader = new SquadReader(folder.File("dev.json", V11));
        var examples = reader.ToList();
        Assert.Equal(2, examples.Count);
        Assert.Equal("q1", examples[0].Id);
        Assert.Equal("Who won?", examples[0].Question);
        Assert.Equal([new QaAnswer("The Broncos", 0), new QaAnswer("Broncos", 4)], examples[0].Answers);
        Assert.False(examples[0].IsImpossible);
        Assert.Equal("Denver", examples[0].Title);
        Assert.Same(examples[0].Context, examples[1].Context);
        Assert.Equal(new QaAnswer("Santa Clara", 33), examples[1].Answers.Single());
        Assert.Equal("1.1", reader.Version);
    }

    [Fact]
    public void ReadsSquadV20UnanswerableQuestionsInAnyKeyOrder()
    {
        using var folder = new TempFolder();
        var reader = new SquadReader(folder.File("v2.json", V20));
        var examples = reader.ToList();
        Assert.Equal(["a", "b"], examples.Select(e => e.Id));
        Assert.False(examples[0].IsImpossible);
        Assert.True(examples[1].IsImpossible);
        Assert.Empty(examples[1].Answers);
        Assert.Equal("Ann sings.", examples[1].Context);
        Assert.Equal("v2.0", reader.Version);
    }

    [Fact]
    public void AnswerNotMatchingTheContextNamesTheQuestionId()
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.json", V11.Replace("\"answer_start\": 33", "\"answer_start\": 30"));
        var error = Assert.Throws<DataFormatException>(() => SquadReader.Read(path).ToList());
        Assert.Equal("q2", error.RecordId);
        Assert.Equal(path, error.FilePath);
        Assert.Contains("q2", error.Message);
        Assert.Contains("Santa Clara", error.Message);
    }

    [Fact]
    public void SkipBadRowsSkipsBadQuestionsAndCountsThem()
    {
        using var folder = new TempFolder();
        var text = V11.Replace("\"answer_start\": 33", "\"answer_start\": 300").Replace("\"question\": \"Who won?\"", "\"question\": \"\"");
        var reader = new SquadReader(folder.File("bad.json", text), new() { SkipBadRows = true });
        Assert.Empty(reader.ToList());
        Assert.Equal(2, reader.SkippedRecordCount);
        Assert.Equal(["q1", "q2"], reader.SkippedRecordErrors.Select(e => e.RecordId));
    }

    [Fact]
    public void QuestionWithoutAnswersIsAnErrorUnlessAnswersAreOptional()
    {
        using var folder = new TempFolder();
        var path = folder.File("predict.json",
            """{"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "x", "question": "q?"}]}]}]}""");
        Assert.Throws<DataFormatException>(() => SquadReader.Read(path).ToList());
        var example = Assert.Single(SquadReader.Read(path, new() { RequireAnswers = false }));
        Assert.Empty(example.Answers);
        Assert.Null(example.Title);
    }

    [Fact]
    public void InvalidJsonIsReportedWithItsLine()
    {
        using var folder = new TempFolder();
        var padding = new string(' ', 70_000);
        var path = folder.File("broken.json", "{\"data\": [\n{\"paragraphs\": [\n{\"context\": \"c\"," + padding + "\n\n, \"qas\": []}]}]}");
        var error = Assert.Throws<DataFormatException>(() => SquadReader.Read(path).ToList());
        Assert.Equal(5, error.LineNumber);
        Assert.Contains("invalid JSON", error.Message);
        var notSquad = folder.File("other.json", "{\"rows\": []}");
        Assert.Contains("\"data\"", Assert.Throws<DataFormatException>(() => SquadReader.Read(notSquad).ToList()).Message);
    }

    [Fact]
    public void StreamsFilesLargerThanItsBufferIncludingParagraphsLargerThanIt()
    {
        using var folder = new TempFolder();
        var json = new StringBuilder("{\"version\": \"v2.0\", \"data\": [");
        var expected = 0;
        for (var article = 0; article < 30; article++)
        {
            json.Append(article == 0 ? "" : ",").Append("{\"title\": \"t").Append(article).Append("\", \"paragraphs\": [");
            for (var p = 0; p < 20; p++)
            {
                // One paragraph of about 200 KB forces the window to grow past its 64 KB start.
                var filler = article == 7 && p == 3 ? new string('z', 200_000) : "filler text";
                var context = $"Person {article}-{p} lives here. {filler}";
                json.Append(p == 0 ? "" : ",").Append("{\"context\": \"").Append(context).Append("\", \"qas\": [")
                    .Append("{\"id\": \"").Append($"{article}-{p}").Append("\", \"question\": \"Who?\", \"answers\": [{\"text\": \"Person ")
                    .Append($"{article}-{p}").Append("\", \"answer_start\": 0}]}]}");
                expected++;
            }
            json.Append("]}");
        }
        json.Append("]}");
        var path = folder.File("big.json", json.ToString());
        Assert.True(new FileInfo(path).Length > 250_000);
        var ids = SquadReader.Read(path).Select(e => e.Id).ToList();
        Assert.Equal(expected, ids.Count);
        Assert.Equal("29-19", ids[^1]);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
