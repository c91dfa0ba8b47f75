// Streams text-classification examples from TSV, CSV (CsvHelper) or JSON Lines files, one row at a
// time, so memory is bounded by what the caller keeps. Checks the header when constructed and each
// row when enumerated. It does not map labels to indices (LabelMap) or tokenize.

using System.Collections;
using System.Globalization;
using System.Text.Json;
using CsvHelper;

namespace LlmMlNet.Transformers.Data;

/// <summary>
/// A re-enumerable, streaming reader of text-classification files. The format comes from the extension
/// (<see cref="TextDataFormats.FromPath"/>), the columns from <see cref="TextColumnRules"/>
/// (the GLUE SST-2 layout <c>sentence\tlabel</c> works as is). Each enumeration re-reads the file.
/// </summary>
/// <example><code>
/// var reader = new TextClassificationReader("train.tsv", new() { SkipBadRows = true });
/// foreach (var example in reader) { ... }
/// Console.WriteLine($"skipped {reader.SkippedRowCount} rows");
/// </code></example>
public sealed class TextClassificationReader : IEnumerable<TextClassificationExample>
{
    /// <summary>How many skipped-row errors <see cref="SkippedRowErrors"/> keeps (the count has no limit).</summary>
    public const int MaxKeptErrors = 20;

    private readonly List<DataFormatException> skippedErrors = [];

    /// <summary>Opens <paramref name="path"/> and checks its header (TSV and CSV) before any row is read.</summary>
    /// <exception cref="ArgumentException">The path is empty or its extension is not .tsv, .csv, .jsonl or .json.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is empty or its header has no text column (or no label column when labels are required).</exception>
    public TextClassificationReader(string path, TextClassificationReaderOptions? options = null)
    {
        Format = TextDataFormats.FromPath(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        FilePath = path;
        Options = options ?? new TextClassificationReaderOptions();
        if (Format != TextDataFormat.JsonLines)
        {
            using var csv = OpenDelimited(path, Format, _ => { });
            ReadHeader(csv);
        }
    }

    /// <summary>Streams the examples of <paramref name="path"/>; see the constructor for exceptions.</summary>
    public static IEnumerable<TextClassificationExample> Read(string path, TextClassificationReaderOptions? options = null) =>
        new TextClassificationReader(path, options);

    /// <summary>The file being read.</summary>
    public string FilePath { get; }

    /// <summary>The format detected from the extension.</summary>
    public TextDataFormat Format { get; }

    /// <summary>The options in effect.</summary>
    public TextClassificationReaderOptions Options { get; }

    /// <summary>Rows skipped as malformed by the latest enumeration (with <see cref="TextClassificationReaderOptions.SkipBadRows"/>); final once it ends.</summary>
    public int SkippedRowCount { get; private set; }

    /// <summary>The first <see cref="MaxKeptErrors"/> errors behind <see cref="SkippedRowCount"/>, for reporting.</summary>
    public IReadOnlyList<DataFormatException> SkippedRowErrors => skippedErrors;

    /// <summary>Starts a new pass over the file; resets <see cref="SkippedRowCount"/>.</summary>
    /// <exception cref="DataFormatException">Thrown during enumeration for a malformed row unless skipping.</exception>
    public IEnumerator<TextClassificationExample> GetEnumerator()
    {
        SkippedRowCount = 0;
        skippedErrors.Clear();
        var rows = Format == TextDataFormat.JsonLines ? ReadJsonLines() : ReadDelimited();
        return rows.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static CsvReader OpenDelimited(string path, TextDataFormat format, Action<CsvMalformedRecord> onMalformed)
    {
        var options = new CsvReaderOptions
        {
            Separator = format == TextDataFormat.Tsv ? '\t' : ',',
            // GLUE's TSVs are read with quoting off (Python csv, quotechar=None): a quote is just a character.
            Mode = format == TextDataFormat.Tsv ? CsvMode.NoEscape : CsvMode.Rfc4180,
            HasHeader = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = onMalformed,
        };
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return CsvReader.Create(stream, options, false);
    }

    private (string[] Header, ResolvedColumns Columns) ReadHeader(CsvReader csv)
    {
        string[] header;
        try
        {
            header = csv.Headers.ToArray();
        }
        catch (CsvFormatException ex)
        {
            throw new DataFormatException(FilePath, 1, null, $"unreadable header: {ex.Message}", ex);
        }
        if (header.Length == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            throw new DataFormatException(FilePath, 1, null, "the file is empty; expected a header row such as 'sentence<TAB>label'");
        }
        if (!TextColumnRules.TryResolve(header, "header", Options, out var columns, out var reason))
        {
            throw new DataFormatException(FilePath, 1, null, reason);
        }
        return (header, columns);
    }

    private IEnumerable<TextClassificationExample> ReadDelimited()
    {
        // The reader scans ahead in blocks, so malformed records are reported by line before they are returned.
        var malformedLines = new Dictionary<long, CsvMalformedReason>();
        using var csv = OpenDelimited(FilePath, Format, record => malformedLines[record.LineNumber] = record.Reason);
        var (header, columns) = ReadHeader(csv);
        while (true)
        {
            bool more;
            try
            {
                more = csv.Read();
            }
            catch (CsvFormatException ex)
            {
                throw new DataFormatException(FilePath, ex.LineNumber == 0 ? null : ex.LineNumber, null, $"unreadable {Format} record: {ex.Message}", ex);
            }
            if (!more) break;
            var line = csv.LineNumber;
            var fields = new string[csv.FieldCount];
            for (var i = 0; i < fields.Length; i++) fields[i] = csv.GetString(i) ?? "";
            if (fields.All(string.IsNullOrWhiteSpace)) continue;

            string? error = null;
            TextClassificationExample? example = null;
            if (malformedLines.Remove(line, out var reason) && reason != CsvMalformedReason.FieldCountMismatch)
            {
                error = $"malformed quoting ({reason}); quote the whole field and double the quotes inside it";
            }
            else if (fields.Length != header.Length)
            {
                error = $"expected {header.Length} fields ({string.Join(", ", header)}) but found {fields.Length}";
            }
            else
            {
                example = BuildExample(
                    fields[columns.Text], header[columns.Text],
                    columns.Pair >= 0 ? fields[columns.Pair] : null, columns.Pair >= 0 ? header[columns.Pair] : null,
                    columns.Label >= 0 ? fields[columns.Label] : null, line, out error);
            }
            if (example is null) Reject(new DataFormatException(FilePath, line, null, error!));
            else yield return example;
        }
    }

    private IEnumerable<TextClassificationExample> ReadJsonLines()
    {
        using var reader = DataFiles.OpenText(FilePath);
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var example = ParseJsonLine(line, lineNumber, out var error);
            if (example is null) Reject(new DataFormatException(FilePath, lineNumber, null, error!));
            else yield return example;
        }
    }

    private TextClassificationExample? ParseJsonLine(string line, long lineNumber, out string? error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            error = $"invalid JSON ({ex.Message}); JSON Lines files hold one complete object per line";
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"expected a JSON object such as {{\"text\": \"...\", \"label\": \"...\"}} but found a {root.ValueKind}";
                return null;
            }
            var keys = root.EnumerateObject().Select(p => p.Name).ToArray();
            if (!TextColumnRules.TryResolve(keys, "object keys", Options, out var columns, out error)) return null;
            var values = root.EnumerateObject().Select(p => p.Value).ToArray();

            string? text = null, pair = null, label = null;
            if (!TryGetString(values[columns.Text], keys[columns.Text], allowNumber: false, out text, out error)) return null;
            if (columns.Pair >= 0 && !TryGetString(values[columns.Pair], keys[columns.Pair], allowNumber: false, out pair, out error)) return null;
            if (columns.Label >= 0 && !TryGetString(values[columns.Label], keys[columns.Label], allowNumber: true, out label, out error)) return null;
            return BuildExample(text, keys[columns.Text], pair, columns.Pair >= 0 ? keys[columns.Pair] : null, label, lineNumber, out error);
        }
    }

    private static bool TryGetString(JsonElement value, string key, bool allowNumber, out string? text, out string? error)
    {
        error = null;
        text = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                text = value.GetString();
                return true;
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.Number when allowNumber && value.TryGetInt64(out var integer):
                text = integer.ToString(CultureInfo.InvariantCulture);
                return true;
            case JsonValueKind.True or JsonValueKind.False when allowNumber:
                text = value.ValueKind == JsonValueKind.True ? "true" : "false";
                return true;
            default:
                error = allowNumber
                    ? $"'{key}' must be a string, an integer or a boolean, not {value.ValueKind} {value.GetRawText()}"
                    : $"'{key}' must be a string, not {value.ValueKind}";
                return false;
        }
    }

    private static readonly char[] ControlCharacters = Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(char.IsControl).ToArray();

    private TextClassificationExample? BuildExample(
        string? text, string textName, string? pair, string? pairName, string? label, long line, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text)) error = $"empty text in '{textName.Trim()}'";
        else if (pairName is not null && string.IsNullOrWhiteSpace(pair)) error = $"empty second text in '{pairName.Trim()}'";
        else if (Options.RequireLabels && string.IsNullOrWhiteSpace(label)) error = "empty or missing label";
        // Invalid UTF-8 bytes decode to U+FFFD: refused here as pretrain refuses them, instead of training on replaced text.
        else if (new[] { (text, textName), (pair, pairName), (label, "label") }.FirstOrDefault(f => f.Item1?.Contains('\uFFFD') == true) is { Item2: { } bad })
            error = $"'{bad.Trim()}' is not valid UTF-8 (it holds U+FFFD, the character invalid bytes decode to)";
        // A NUL or other control character would make a label of its own that no one can type.
        else if (label is not null && label.Trim().IndexOfAny(ControlCharacters) is var at and >= 0)
            error = $"the label holds the control character U+{(int)label.Trim()[at]:X4}";
        if (error is not null) return null;
        var trimmedLabel = string.IsNullOrWhiteSpace(label) ? null : label.Trim();
        return new TextClassificationExample(text!, pairName is null ? null : pair, trimmedLabel, line);
    }

    private void Reject(DataFormatException error)
    {
        if (!Options.SkipBadRows) throw error;
        SkippedRowCount++;
        if (skippedErrors.Count < MaxKeptErrors) skippedErrors.Add(error);
    }
}
