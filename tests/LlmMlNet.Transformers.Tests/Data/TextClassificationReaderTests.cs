// Tests of the text-classification reader: the GLUE/HF layouts, the column rule, CSV quoting with line
// numbers, JSONL, label-less mode, and malformed rows (thrown with file and line, or skipped and counted).

using LlmMlNet.Transformers.Data;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Data;

public sealed class TextClassificationReaderTests
{
    [Fact]
    public void ReadsGlueSst2TsvAsIs()
    {
        using var folder = new TempFolder();
        // SST-2 keeps quotes unescaped and ends sentences with a space; TSV must not treat quotes specially.
        var path = folder.File("train.tsv", "sentence\tlabel\nhide new secretions from the parental units \t0\nthe \"best\" film , ever \t1\n");
        var rows = TextClassificationReader.Read(path).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("hide new secretions from the parental units ", rows[0].Text);
        Assert.Equal("0", rows[0].Label);
        Assert.Null(rows[0].TextPair);
        Assert.Equal(2, rows[0].LineNumber);
        Assert.Equal("the \"best\" film , ever ", rows[1].Text);
        Assert.Equal(3, rows[1].LineNumber);
    }

    [Fact]
    public void CsvQuotingAndMultilineFieldsKeepTheRecordStartLine()
    {
        using var folder = new TempFolder();
        var path = folder.File("data.csv",
            "text,label\n\"hello, world\",positive\n\"two\nlines \"\"quoted\"\"\",negative\n\nplain,positive\n");
        var rows = TextClassificationReader.Read(path).ToList();
        Assert.Equal(["hello, world", "two\nlines \"quoted\"", "plain"], rows.Select(r => r.Text));
        Assert.Equal(["positive", "negative", "positive"], rows.Select(r => r.Label));
        Assert.Equal([2L, 3L, 6L], rows.Select(r => r.LineNumber));
    }

    [Theory]
    [InlineData("text,text_pair,label", "a,b,1")]
    [InlineData("sentence1,sentence2,label", "a,b,1")]
    [InlineData("id,question,sentence,label", "7,a,b,1")]
    [InlineData("premise,hypothesis,gold_label", "a,b,1")]
    public void PairColumnsFollowTheDocumentedRule(string header, string row)
    {
        using var folder = new TempFolder();
        var path = folder.File("pairs.csv", header + "\n" + row + "\n");
        var example = Assert.Single(TextClassificationReader.Read(path));
        Assert.Equal(("a", "b", "1"), (example.Text, example.TextPair, example.Label));
    }

    [Fact]
    public void ExplicitColumnNamesOverrideTheRule()
    {
        using var folder = new TempFolder();
        var path = folder.File("mrpc.tsv", "Quality\t#1 String\t#2 String\n1\tleft\tright\n");
        var options = new TextClassificationReaderOptions { TextColumn = "#1 String", TextPairColumn = "#2 String", LabelColumn = "Quality" };
        var example = Assert.Single(TextClassificationReader.Read(path, options));
        Assert.Equal(("left", "right", "1"), (example.Text, example.TextPair, example.Label));
    }

    [Fact]
    public void ReadsJsonLinesWithStringAndIntegerLabels()
    {
        using var folder = new TempFolder();
        var path = folder.File("data.jsonl",
            "{\"text\": \"good\", \"label\": \"positive\"}\n\n{\"text\": \"a\", \"text_pair\": \"b\", \"label\": 2}\n");
        var rows = TextClassificationReader.Read(path).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(("good", null, "positive", 1L), (rows[0].Text, rows[0].TextPair, rows[0].Label, rows[0].LineNumber));
        Assert.Equal(("a", "b", "2", 3L), (rows[1].Text, rows[1].TextPair, rows[1].Label, rows[1].LineNumber));
    }

    [Fact]
    public void LabelLessModeReadsPredictionInputs()
    {
        using var folder = new TempFolder();
        var path = folder.File("input.tsv", "id\tsentence\n1\tsome text\n");
        Assert.Throws<DataFormatException>(() => new TextClassificationReader(path));
        var example = Assert.Single(TextClassificationReader.Read(path, new() { RequireLabels = false }));
        Assert.Equal("some text", example.Text);
        Assert.Null(example.Label);
    }

    [Fact]
    public void UnknownExtensionAndMissingFileFailBeforeReading()
    {
        using var folder = new TempFolder();
        var path = folder.File("data.txt", "text\tlabel\n");
        var unknown = Assert.Throws<ArgumentException>(() => new TextClassificationReader(path));
        Assert.Contains(".tsv, .csv, .jsonl", unknown.Message);
        Assert.Throws<FileNotFoundException>(() => new TextClassificationReader(Path.Combine(folder.Path, "absent.tsv")));
    }

    [Fact]
    public void HeaderWithoutTextColumnNamesTheFileAndTheExpectedColumns()
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.tsv", "body\tlabel\nx\t1\n");
        var error = Assert.Throws<DataFormatException>(() => new TextClassificationReader(path));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(1, error.LineNumber);
        Assert.Contains("sentence", error.Message);
        Assert.StartsWith(path + ":1:", error.Message);
    }

    [Fact]
    public void MalformedRowThrowsWithFileAndLine()
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.tsv", "sentence\tlabel\nfine\t1\nmissing label field\n");
        var reader = new TextClassificationReader(path);
        var error = Assert.Throws<DataFormatException>(() => reader.ToList());
        Assert.Equal(3, error.LineNumber);
        Assert.Contains("expected 2 fields", error.Message);
        Assert.Contains(path + ":3", error.Message);
    }

    [Fact]
    public void SkipBadRowsSkipsAndCountsEveryKindOfBadRow()
    {
        using var folder = new TempFolder();
        var path = folder.File("mixed.csv",
            "text,label\nok one,1\nno label,\n,0\ntoo,many,fields\nbad\"quote,1\nok two,0\n");
        var reader = new TextClassificationReader(path, new() { SkipBadRows = true });
        var rows = reader.ToList();
        Assert.Equal(["ok one", "ok two"], rows.Select(r => r.Text));
        Assert.Equal(4, reader.SkippedRowCount);
        Assert.Equal([3L, 4L, 5L, 6L], reader.SkippedRowErrors.Select(e => e.LineNumber!.Value));
        // A second pass counts afresh rather than accumulating.
        Assert.Equal(2, reader.Count());
        Assert.Equal(4, reader.SkippedRowCount);
    }

    [Fact]
    public void InvalidJsonLineIsReportedWithItsLine()
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": \n{\"text\": \"c\", \"label\": 1.5}\n");
        var error = Assert.Throws<DataFormatException>(() => TextClassificationReader.Read(path).ToList());
        Assert.Equal(2, error.LineNumber);
        var reader = new TextClassificationReader(path, new() { SkipBadRows = true });
        Assert.Single(reader);
        Assert.Equal(2, reader.SkippedRowCount);
        Assert.Contains("integer", reader.SkippedRowErrors[1].Message);
    }

    [Fact]
    public void StreamsLargeFilesRowByRow()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "big.tsv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("sentence\tlabel\n");
            for (var i = 0; i < 50_000; i++) writer.Write($"row number {i}\t{i % 2}\n");
        }
        long count = 0, lastLine = 0;
        foreach (var row in TextClassificationReader.Read(path))
        {
            count++;
            lastLine = row.LineNumber;
        }
        Assert.Equal(50_000, count);
        Assert.Equal(50_001, lastLine);
    }
}
