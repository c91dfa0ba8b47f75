// The one exception every data reader throws for a malformed record: it names the file and the
// line (or, for SQuAD, the question id) so a user can open the file and fix the row.
// It is not used for missing files (FileNotFoundException) or bad arguments (ArgumentException).

namespace LlmMlNet.Transformers.Data;

/// <summary>
/// A record of a data file could not be read: wrong column count, missing or empty field, invalid
/// JSON, an answer span that does not match its context, and so on. The message always names
/// <see cref="FilePath"/> and the <see cref="LineNumber"/> or <see cref="RecordId"/>.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; the message is built as "<c>path:line: reason</c>" or "<c>path (id): reason</c>".</summary>
    /// <param name="filePath">The file being read.</param>
    /// <param name="lineNumber">1-based line where the bad record starts, or null when the format has no useful line (SQuAD).</param>
    /// <param name="recordId">An identifier of the record (a SQuAD question id), or null.</param>
    /// <param name="reason">What is wrong, without the location.</param>
    /// <param name="innerException">The parser's exception, if any.</param>
    public DataFormatException(string filePath, long? lineNumber, string? recordId, string reason, Exception? innerException = null)
        : base(BuildMessage(filePath, lineNumber, recordId, reason), innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        RecordId = recordId;
        Reason = reason;
    }

    /// <summary>The file that holds the bad record.</summary>
    public string FilePath { get; }

    /// <summary>1-based line number where the bad record starts; null for formats located by <see cref="RecordId"/>.</summary>
    public long? LineNumber { get; }

    /// <summary>Identifier of the bad record (SQuAD question id, or "article 3, paragraph 2"), or null.</summary>
    public string? RecordId { get; }

    /// <summary>The reason alone, without the file and line.</summary>
    public string Reason { get; }

    private static string BuildMessage(string filePath, long? lineNumber, string? recordId, string reason)
    {
        var location = filePath;
        if (lineNumber is { } line) location += $":{line}";
        if (recordId is not null) location += $" ({recordId})";
        return $"{location}: {reason}";
    }
}
