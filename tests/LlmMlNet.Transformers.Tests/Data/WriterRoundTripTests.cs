// Round trips through the writers and readers (TSV, CSV, JSONL, SQuAD, corpus), the atomic-write
// guarantee, and the label map's deterministic order.

using LlmMlNet.Transformers.Data;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Data;

public sealed class WriterRoundTripTests
{
    private static readonly TextClassificationExample[] Pairs =
    [
        new("first, with a comma", "and \"quotes\"", "same"),
        new("second", "pair ü ✓", "different"),
    ];

    [Theory]
    [InlineData("data.csv")]
    [InlineData("data.jsonl")]
    [InlineData("data.tsv")]
    public void ClassificationFilesRoundTrip(string name)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, name);
        Assert.Equal(2, TextClassificationWriter.Write(path, Pairs));
        var read = TextClassificationReader.Read(path).Select(e => e with { LineNumber = 0 }).ToArray();
        Assert.Equal(Pairs, read);
    }

    [Fact]
    public void CsvKeepsLineBreaksButTsvRefusesThem()
    {
        using var folder = new TempFolder();
        TextClassificationExample[] multiline = [new("two\nlines", null, "1")];
        var csv = Path.Combine(folder.Path, "m.csv");
        TextClassificationWriter.Write(csv, multiline);
        Assert.Equal("two\nlines", TextClassificationReader.Read(csv).Single().Text);
        var tsv = Path.Combine(folder.Path, "m.tsv");
        Assert.Throws<ArgumentException>(() => TextClassificationWriter.Write(tsv, multiline));
        Assert.False(File.Exists(tsv));
    }

    [Fact]
    public void FailedWriteLeavesTheOldFileAndNoTempFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("keep.tsv", "text\tlabel\nold\t1\n");
        TextClassificationExample[] inconsistent = [new("a", null, "1"), new("b", null, null)];
        Assert.Throws<ArgumentException>(() => TextClassificationWriter.Write(path, inconsistent));
        Assert.Equal("text\tlabel\nold\t1\n", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void SquadFilesRoundTripGroupingParagraphsAndArticles()
    {
        using var folder = new TempFolder();
        const string context = "Ann was born in Rome. Bob was born in Oslo.";
        QaExample[] examples =
        [
            new("1", "Where was Ann born?", context, [new QaAnswer("Rome", 16)], false, "people"),
            new("2", "Where was Bob born?", context, [new QaAnswer("Oslo", 38)], false, "people"),
            new("3", "Where was Cy born?", context, [], true, "people"),
            new("4", "What?", "Other text.", [new QaAnswer("Other", 0)], false, "other"),
        ];
        var path = Path.Combine(folder.Path, "qa.json");
        Assert.Equal(4, SquadWriter.Write(path, examples, SquadVersion.V2_0));
        var reader = new SquadReader(path);
        var read = reader.ToList();
        Assert.Equal(examples.Select(e => (e.Id, e.Question, e.Context, e.IsImpossible, e.Title)),
            read.Select(e => (e.Id, e.Question, e.Context, e.IsImpossible, e.Title)));
        Assert.Equal(examples.Select(e => string.Join("|", e.Answers)), read.Select(e => string.Join("|", e.Answers)));
        Assert.Equal("v2.0", reader.Version);
        var v1 = Path.Combine(folder.Path, "v1.json");
        Assert.Throws<ArgumentException>(() => SquadWriter.Write(v1, examples, SquadVersion.V1_1));
        Assert.False(File.Exists(v1));
    }

    [Fact]
    public void CorpusRoundTrips()
    {
        using var folder = new TempFolder();
        string[][] documents = [["a b .", "c d ."], ["e ."]];
        var path = Path.Combine(folder.Path, "corpus.txt");
        Assert.Equal(2, TextCorpusWriter.Write(path, documents));
        Assert.Equal(documents, new TextCorpusReader([path]).ReadDocuments().Select(d => d.ToArray()));
    }

    [Fact]
    public void LabelMapOrdersIntegersNumericallyAndNamesOrdinally()
    {
        Assert.Equal(["-1", "0", "2", "10"], LabelMap.FromLabels(["10", "2", "-1", "0", "2", null]).Labels);
        var names = LabelMap.FromLabels(["positive", "negative", " neutral "]);
        Assert.Equal(["negative", "neutral", "positive"], names.Labels);
        Assert.Equal(2, names.IndexOf("positive"));
        var unknown = Assert.Throws<KeyNotFoundException>(() => names.IndexOf("mixed"));
        Assert.Contains("negative, neutral, positive", unknown.Message);
        Assert.Throws<ArgumentException>(() => new LabelMap(["a", "a"]));
    }
}
