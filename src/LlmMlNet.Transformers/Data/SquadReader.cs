// Streams SQuAD v1.1 / v2.0 JSON (data[].paragraphs[].context/qas[]) into QaExample records one
// paragraph at a time, checking every answer span against its context. It does not tokenize or
// build windows; that happens in the QA feature builder on top of it.

using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace LlmMlNet.Transformers.Data;

/// <summary>
/// A re-enumerable, streaming reader of SQuAD-format files. Memory is bounded by the largest paragraph,
/// not the file. Each answer must satisfy <c>context.Substring(answer_start, text.Length) == text</c>;
/// v2.0's <c>is_impossible</c> questions have no answers (<c>plausible_answers</c> are ignored).
/// </summary>
public sealed class SquadReader : IEnumerable<QaExample>
{
    private readonly List<DataFormatException> skippedErrors = [];

    /// <summary>Prepares to read <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public SquadReader(string path, SquadReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"SQuAD file '{path}' does not exist.", path);
        FilePath = path;
        Options = options ?? new SquadReaderOptions();
    }

    /// <summary>Streams the examples of <paramref name="path"/>.</summary>
    public static IEnumerable<QaExample> Read(string path, SquadReaderOptions? options = null) => new SquadReader(path, options);

    /// <summary>The file being read.</summary>
    public string FilePath { get; }

    /// <summary>The options in effect.</summary>
    public SquadReaderOptions Options { get; }

    /// <summary>The file's top-level <c>version</c> string ("1.1", "v2.0"), once enumeration has passed it; null if absent.</summary>
    public string? Version { get; private set; }

    /// <summary>Questions (or whole paragraphs) skipped as malformed by the latest enumeration.</summary>
    public int SkippedRecordCount { get; private set; }

    /// <summary>The first <see cref="TextClassificationReader.MaxKeptErrors"/> errors behind <see cref="SkippedRecordCount"/>.</summary>
    public IReadOnlyList<DataFormatException> SkippedRecordErrors => skippedErrors;

    /// <summary>Starts a new pass over the file; resets the skip count.</summary>
    /// <exception cref="DataFormatException">Invalid JSON, a wrong structure, or a malformed question (unless skipping).</exception>
    public IEnumerator<QaExample> GetEnumerator()
    {
        SkippedRecordCount = 0;
        skippedErrors.Clear();
        return Guarded(ReadAll()).GetEnumerator();
    }

    // System.Text.Json validates UTF-8 only when a string is read (GetString throws InvalidOperationException): that is
    // bad data in this file, reported as such rather than as an unexplained operation error.
    private IEnumerable<QaExample> Guarded(IEnumerable<QaExample> examples)
    {
        using var inner = examples.GetEnumerator();
        while (true)
        {
            bool more;
            try
            {
                more = inner.MoveNext();
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("UTF-8", StringComparison.Ordinal))
            {
                throw new DataFormatException(FilePath, null, null, "a string is not valid UTF-8", ex);
            }
            if (!more) yield break;
            yield return inner.Current;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerable<QaExample> ReadAll()
    {
        using var cursor = new JsonStreamCursor(FilePath);
        Expect(cursor, JsonTokenType.StartObject, "a JSON object with a \"data\" array");
        var sawData = false;
        while (Next(cursor) == JsonTokenType.PropertyName)
        {
            var name = cursor.StringValue;
            if (name == "version")
            {
                using var version = Value(cursor);
                Version = version.RootElement.ValueKind == JsonValueKind.String
                    ? version.RootElement.GetString()
                    : version.RootElement.GetRawText();
            }
            else if (name == "data")
            {
                sawData = true;
                foreach (var example in ReadArticles(cursor)) yield return example;
            }
            else
            {
                Value(cursor).Dispose();
            }
        }
        if (!sawData) throw Structure(cursor, "no \"data\" array at the top level; this is not a SQuAD file");
    }

    private IEnumerable<QaExample> ReadArticles(JsonStreamCursor cursor)
    {
        Expect(cursor, JsonTokenType.StartArray, "\"data\" to be an array of articles");
        for (var article = 1; Next(cursor) == JsonTokenType.StartObject; article++)
        {
            string? title = null;
            while (Next(cursor) == JsonTokenType.PropertyName)
            {
                if (cursor.StringValue == "title")
                {
                    using var value = Value(cursor);
                    title = value.RootElement.ValueKind == JsonValueKind.String ? value.RootElement.GetString() : null;
                }
                else if (cursor.StringValue == "paragraphs")
                {
                    Expect(cursor, JsonTokenType.StartArray, "\"paragraphs\" to be an array");
                    for (var paragraph = 1; Peek(cursor) == JsonTokenType.StartObject; paragraph++)
                    {
                        using var document = Value(cursor);
                        foreach (var example in ReadParagraph(document.RootElement, title, $"article {article}, paragraph {paragraph}"))
                        {
                            yield return example;
                        }
                    }
                    Expect(cursor, JsonTokenType.EndArray, "the end of \"paragraphs\"");
                }
                else
                {
                    Value(cursor).Dispose();
                }
            }
        }
    }

    private List<QaExample> ReadParagraph(JsonElement paragraph, string? title, string where)
    {
        var examples = new List<QaExample>();
        if (!paragraph.TryGetProperty("context", out var contextElement) || contextElement.ValueKind != JsonValueKind.String)
        {
            Reject(new DataFormatException(FilePath, null, where, "the paragraph has no \"context\" string"));
            return examples;
        }
        if (!paragraph.TryGetProperty("qas", out var qas) || qas.ValueKind != JsonValueKind.Array)
        {
            Reject(new DataFormatException(FilePath, null, where, "the paragraph has no \"qas\" array"));
            return examples;
        }
        var context = contextElement.GetString()!;
        var index = 0;
        foreach (var qa in qas.EnumerateArray())
        {
            index++;
            var example = ReadQuestion(qa, context, title, $"{where}, question {index}", out var error);
            if (example is not null) examples.Add(example);
            else Reject(error!);
        }
        return examples;
    }

    private QaExample? ReadQuestion(JsonElement qa, string context, string? title, string where, out DataFormatException? error)
    {
        error = null;
        DataFormatException Bad(string? id, string reason) => new(FilePath, null, id ?? where, reason);

        if (qa.ValueKind != JsonValueKind.Object) { error = Bad(null, "a question must be a JSON object"); return null; }
        string? id = null;
        if (qa.TryGetProperty("id", out var idElement))
        {
            id = idElement.ValueKind switch
            {
                JsonValueKind.String => idElement.GetString(),
                JsonValueKind.Number => idElement.GetRawText(),
                _ => null,
            };
        }
        if (string.IsNullOrEmpty(id)) { error = Bad(null, "the question has no \"id\""); return null; }
        if (!qa.TryGetProperty("question", out var questionElement) || questionElement.ValueKind != JsonValueKind.String ||
            string.IsNullOrWhiteSpace(questionElement.GetString()))
        {
            error = Bad(id, "the question has no non-empty \"question\" string");
            return null;
        }

        var impossible = false;
        if (qa.TryGetProperty("is_impossible", out var impossibleElement))
        {
            if (impossibleElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = Bad(id, "\"is_impossible\" must be true or false");
                return null;
            }
            impossible = impossibleElement.GetBoolean();
        }

        var answers = new List<QaAnswer>();
        if (qa.TryGetProperty("answers", out var answersElement) && answersElement.ValueKind != JsonValueKind.Null)
        {
            if (answersElement.ValueKind != JsonValueKind.Array) { error = Bad(id, "\"answers\" must be an array"); return null; }
            var k = 0;
            foreach (var answer in answersElement.EnumerateArray())
            {
                k++;
                var parsed = ReadAnswer(answer, context, k, out var reason);
                if (parsed is null) { error = Bad(id, reason!); return null; }
                answers.Add(parsed);
            }
        }
        if (impossible && answers.Count > 0) { error = Bad(id, "\"is_impossible\" is true but \"answers\" is not empty"); return null; }
        if (!impossible && answers.Count == 0 && Options.RequireAnswers)
        {
            error = Bad(id, "the question has no answers and is not marked \"is_impossible\"");
            return null;
        }
        return new QaExample(id, questionElement.GetString()!, context, answers, impossible, title);
    }

    private static QaAnswer? ReadAnswer(JsonElement answer, string context, int k, out string? reason)
    {
        reason = null;
        if (answer.ValueKind != JsonValueKind.Object ||
            !answer.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String ||
            !answer.TryGetProperty("answer_start", out var startElement) || startElement.ValueKind != JsonValueKind.Number)
        {
            reason = $"answer {k} needs a \"text\" string and an \"answer_start\" number";
            return null;
        }
        var text = textElement.GetString()!;
        if (!startElement.TryGetInt32(out var start) || start < 0)
        {
            reason = $"answer {k} has an invalid answer_start {startElement.GetRawText()}";
            return null;
        }
        if (text.Length == 0)
        {
            reason = $"answer {k} has an empty text";
            return null;
        }
        if ((long)start + text.Length > context.Length) // long: answer_start 2147483647 must not wrap around
        {
            reason = $"answer {k} '{text}' at {start} runs past the end of the context ({context.Length} chars)";
            return null;
        }
        if (string.CompareOrdinal(context, start, text, 0, text.Length) != 0)
        {
            reason = $"answer {k} '{text}' does not match the context at answer_start {start.ToString(CultureInfo.InvariantCulture)}, " +
                     $"which reads '{context.Substring(start, text.Length)}'";
            return null;
        }
        return new QaAnswer(text, start);
    }

    private void Reject(DataFormatException error)
    {
        if (!Options.SkipBadRows) throw error;
        SkippedRecordCount++;
        if (skippedErrors.Count < TextClassificationReader.MaxKeptErrors) skippedErrors.Add(error);
    }

    private JsonTokenType? Next(JsonStreamCursor cursor)
    {
        try
        {
            return cursor.Read() ? cursor.TokenType : null;
        }
        catch (JsonException ex)
        {
            throw Invalid(cursor, ex);
        }
    }

    private JsonTokenType? Peek(JsonStreamCursor cursor)
    {
        try
        {
            return cursor.Peek();
        }
        catch (JsonException ex)
        {
            throw Invalid(cursor, ex);
        }
    }

    private JsonDocument Value(JsonStreamCursor cursor)
    {
        try
        {
            return cursor.ReadValue();
        }
        catch (JsonException ex)
        {
            throw Invalid(cursor, ex);
        }
    }

    private void Expect(JsonStreamCursor cursor, JsonTokenType type, string what)
    {
        var actual = Next(cursor);
        if (actual != type) throw Structure(cursor, $"expected {what} but found {actual?.ToString() ?? "the end of the file"}");
    }

    // Utf8JsonReader carries its 0-based line count in the reader state across windows, so it is absolute.
    private DataFormatException Invalid(JsonStreamCursor cursor, JsonException ex) =>
        new(FilePath, ex.LineNumber is { } line ? line + 1 : cursor.Line, null, $"invalid JSON: {ex.Message}", ex);

    private DataFormatException Structure(JsonStreamCursor cursor, string reason) => new(FilePath, cursor.Line, null, reason);
}
