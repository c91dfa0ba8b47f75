// Tests of the corpus reader: document boundaries (blank lines and files), CRLF and BOM, resuming
// from a saved position, and invalid UTF-8 lines reported with their line or skipped and counted.

using LlmMlNet.Transformers.Data;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Data;

public sealed class TextCorpusReaderTests
{
    [Fact]
    public void BlankLinesAndFileStartsSeparateDocuments()
    {
        using var folder = new TempFolder();
        var first = folder.File("a.txt", "\uFEFFone\r\ntwo\r\n\r\n   \nthree\n");
        var second = folder.File("b.txt", "four\n\nfive");
        var reader = new TextCorpusReader([first, second]);
        var lines = reader.ToList();
        Assert.Equal(["one", "two", "three", "four", "five"], lines.Select(l => l.Text));
        Assert.Equal([0L, 0L, 1L, 2L, 3L], lines.Select(l => l.DocumentIndex));
        Assert.Equal([true, false, true, true, true], lines.Select(l => l.StartsDocument));
        Assert.Equal([1L, 2L, 5L, 1L, 3L], lines.Select(l => l.LineNumber));
        Assert.Equal([0, 0, 0, 1, 1], lines.Select(l => l.FileIndex));
        Assert.Equal([["one", "two"], ["three"], ["four"], ["five"]], reader.ReadDocuments().Select(d => d.ToArray()));
    }

    [Fact]
    public void ResumingFromAnyPositionContinuesExactlyWhereThePassWas()
    {
        using var folder = new TempFolder();
        var first = folder.File("a.txt", "l1\nl2\n\nl3\n");
        var second = folder.File("b.txt", "l4\nl5\n\nl6\n");
        var reader = new TextCorpusReader([first, second]);
        var all = reader.ToList();
        for (var cut = 0; cut < all.Count; cut++)
        {
            var resumed = reader.ReadLines(all[cut].Next).ToList();
            Assert.Equal(all.Skip(cut + 1), resumed);
        }
    }

    [Fact]
    public void InvalidUtf8LineIsReportedOrSkipped()
    {
        using var folder = new TempFolder();
        byte[] bytes = [.. "good\n"u8, 0xC3, 0x28, (byte)'\n', .. "also good\n"u8];
        var path = folder.File("bad.txt", bytes);
        var error = Assert.Throws<DataFormatException>(() => new TextCorpusReader([path]).ToList());
        Assert.Equal(2, error.LineNumber);
        Assert.Equal(path, error.FilePath);
        var skipping = new TextCorpusReader([path], skipBadRows: true);
        Assert.Equal(["good", "also good"], skipping.Select(l => l.Text));
        Assert.Equal(1, skipping.SkippedRowCount);
    }

    [Fact]
    public void MissingFileFailsBeforeReading()
    {
        using var folder = new TempFolder();
        var present = folder.File("a.txt", "x\n");
        var error = Assert.Throws<FileNotFoundException>(() => new TextCorpusReader([present, Path.Combine(folder.Path, "gone.txt")]));
        Assert.Contains("gone.txt", error.Message);
        Assert.Throws<ArgumentException>(() => new TextCorpusReader([]));
    }
}
