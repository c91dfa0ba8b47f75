// Streams an unlabeled pre-training corpus (one or more UTF-8 text files) line by line, with
// document boundaries (blank lines, file starts) and a resumable position after every line.
// It does not tokenize or pack blocks; the pre-training data pipeline does that on top.

using System.Collections;
using System.Text;

namespace LlmMlNet.Transformers.Data;

/// <summary>Where a corpus pass stands: the next unread byte of a file, and the counters at that point.</summary>
/// <param name="FileIndex">Index into <see cref="TextCorpusReader.FilePaths"/>.</param>
/// <param name="ByteOffset">Offset of the next unread byte in that file.</param>
/// <param name="LineNumber">Lines of that file read so far (the next line is <c>LineNumber + 1</c>).</param>
/// <param name="DocumentIndex">Index of the current document when <paramref name="InDocument"/>, else of the next one (counted over all files).</param>
/// <param name="InDocument">Whether the next non-blank line continues the current document.</param>
public readonly record struct CorpusPosition(int FileIndex, long ByteOffset, long LineNumber, long DocumentIndex, bool InDocument)
{
    /// <summary>The start of the corpus.</summary>
    public static CorpusPosition Start => default;
}

/// <summary>One non-blank line of the corpus.</summary>
/// <param name="Text">The line without its line break (a trailing "\r" is removed).</param>
/// <param name="DocumentIndex">0-based document the line belongs to, over all files.</param>
/// <param name="StartsDocument">True for the first line of a document.</param>
/// <param name="FileIndex">Index of the file in <see cref="TextCorpusReader.FilePaths"/>.</param>
/// <param name="LineNumber">1-based line number within that file.</param>
/// <param name="Next">The position just after this line: pass it to <see cref="TextCorpusReader.ReadLines"/> to resume.</param>
public sealed record CorpusLine(string Text, long DocumentIndex, bool StartsDocument, int FileIndex, long LineNumber, CorpusPosition Next);

/// <summary>
/// Streams the non-blank lines of one or more UTF-8 text files. Blank (whitespace-only) lines and the
/// start of each file separate documents. Lines must be valid UTF-8: an invalid line throws
/// <see cref="DataFormatException"/>, or is skipped and counted when <c>skipBadRows</c> is set.
/// Enumerating the reader itself starts at <see cref="CorpusPosition.Start"/>.
/// </summary>
public sealed class TextCorpusReader : IEnumerable<CorpusLine>
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks that every file exists before any reading.</summary>
    /// <exception cref="ArgumentException">No paths, or an empty path.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist (the first missing one is named).</exception>
    public TextCorpusReader(IEnumerable<string> paths, bool skipBadRows = false)
    {
        ArgumentNullException.ThrowIfNull(paths);
        FilePaths = paths.ToArray();
        if (FilePaths.Count == 0) throw new ArgumentException("A corpus needs at least one file.", nameof(paths));
        foreach (var path in FilePaths)
        {
            ArgumentException.ThrowIfNullOrEmpty(path, nameof(paths));
            if (!File.Exists(path)) throw new FileNotFoundException($"Corpus file '{path}' does not exist.", path);
        }
        SkipBadRows = skipBadRows;
    }

    /// <summary>The corpus files, in reading order.</summary>
    public IReadOnlyList<string> FilePaths { get; }

    /// <summary>Whether invalid lines are skipped (and counted) instead of thrown.</summary>
    public bool SkipBadRows { get; }

    /// <summary>Lines skipped as invalid by the latest pass; final once it ends.</summary>
    public int SkippedRowCount { get; private set; }

    /// <summary>Streams the lines from <paramref name="from"/> (default: the start) to the end of the last file.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The position's file index is out of range.</exception>
    /// <exception cref="DataFormatException">A line is not valid UTF-8 (unless skipping).</exception>
    public IEnumerable<CorpusLine> ReadLines(CorpusPosition from = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from.FileIndex, nameof(from));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from.FileIndex, FilePaths.Count, nameof(from));
        SkippedRowCount = 0;
        return ReadFrom(from);
    }

    /// <summary>Streams whole documents (their lines in order); memory is bounded by the longest document.</summary>
    public IEnumerable<IReadOnlyList<string>> ReadDocuments()
    {
        List<string>? current = null;
        foreach (var line in ReadLines())
        {
            if (line.StartsDocument && current is { Count: > 0 })
            {
                yield return current;
                current = null;
            }
            (current ??= []).Add(line.Text);
        }
        if (current is { Count: > 0 }) yield return current;
    }

    /// <inheritdoc/>
    public IEnumerator<CorpusLine> GetEnumerator() => ReadLines().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerable<CorpusLine> ReadFrom(CorpusPosition position)
    {
        var documentIndex = position.DocumentIndex;
        var inDocument = position.InDocument;
        for (var fileIndex = position.FileIndex; fileIndex < FilePaths.Count; fileIndex++)
        {
            var resuming = fileIndex == position.FileIndex;
            var offset = resuming ? position.ByteOffset : 0;
            var lineNumber = resuming ? position.LineNumber : 0;
            if (!resuming) inDocument = false;
            using var stream = new FileStream(FilePaths[fileIndex], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (offset == 0 && HasUtf8Bom(stream)) offset = 3;
            stream.Seek(offset, SeekOrigin.Begin);
            var lineBytes = new MemoryStream();
            while (ReadLineBytes(stream, lineBytes) is var length and >= 0)
            {
                offset += length;
                lineNumber++;
                string text;
                try
                {
                    text = StrictUtf8.GetString(TrimLineBreak(lineBytes));
                }
                catch (DecoderFallbackException ex)
                {
                    var error = new DataFormatException(FilePaths[fileIndex], lineNumber, null, "the line is not valid UTF-8", ex);
                    if (!SkipBadRows) throw error;
                    SkippedRowCount++;
                    continue;
                }
                if (string.IsNullOrWhiteSpace(text))
                {
                    if (inDocument) documentIndex++;
                    inDocument = false;
                    continue;
                }
                var starts = !inDocument;
                inDocument = true;
                yield return new CorpusLine(text, documentIndex, starts, fileIndex, lineNumber,
                    new CorpusPosition(fileIndex, offset, lineNumber, documentIndex, InDocument: true));
            }
            if (inDocument) documentIndex++;
            inDocument = false;
        }
    }

    private static bool HasUtf8Bom(Stream stream)
    {
        Span<byte> head = stackalloc byte[3];
        var read = stream.ReadAtLeast(head, 3, throwOnEndOfStream: false);
        return read == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF;
    }

    // Reads up to and including the next '\n' into lineBytes; returns the bytes consumed, or -1 at the end.
    private static int ReadLineBytes(Stream stream, MemoryStream lineBytes)
    {
        lineBytes.SetLength(0);
        int value;
        while ((value = stream.ReadByte()) >= 0)
        {
            lineBytes.WriteByte((byte)value);
            if (value == '\n') break;
        }
        return lineBytes.Length == 0 ? -1 : (int)lineBytes.Length;
    }

    private static ReadOnlySpan<byte> TrimLineBreak(MemoryStream lineBytes)
    {
        var span = lineBytes.GetBuffer().AsSpan(0, (int)lineBytes.Length);
        if (span.Length > 0 && span[^1] == '\n') span = span[..^1];
        if (span.Length > 0 && span[^1] == '\r') span = span[..^1];
        return span;
    }
}
