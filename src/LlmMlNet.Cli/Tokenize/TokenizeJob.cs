// The work behind `llmmlnet tokenize`: read inputs (text lines, or JSONL with "text"/"text_pair"),
// encode them in parallel batches, and write one JSON object per input to a temp file renamed into
// place. Input problems throw TokenizeInputException naming file and line; no console output here.
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Cli.Tokenize;

/// <summary>A problem in an input file, with its file and 1-based line.</summary>
internal sealed class TokenizeInputException(string file, int line, string problem)
    : Exception($"{file}:{line}: {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
}

/// <summary>Settings of one tokenize run.</summary>
internal sealed record TokenizeJob(string TokenizerPath, string InputPath, string OutputPath, bool Pairs, bool AddSpecialTokens, int? MaxLength)
{
    private const int BatchSize = 1024;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True when the input is read as JSONL (by its extension).</summary>
    public bool IsJsonLines => InputPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || InputPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs the job; returns the number of inputs written.</summary>
    public int Run(Tokenizer tokenizer)
    {
        var inputs = ReadInputs();
        var options = new EncodeOptions
        {
            AddSpecialTokens = AddSpecialTokens,
            Truncation = MaxLength is int max ? new TruncationOptions { MaxLength = max, MaxWindows = 1 } : null,
        };
        AtomicFile.Write(OutputPath, stream =>
        {
            for (int at = 0; at < inputs.Count; at += BatchSize)
            {
                var batch = inputs.GetRange(at, Math.Min(BatchSize, inputs.Count - at));
                var encodings = tokenizer.EncodeBatch(batch, options);
                foreach (var encoding in encodings) WriteLine(stream, encoding);
            }
        });
        return inputs.Count;
    }

    private List<(string Text, string? TextPair)> ReadInputs()
    {
        var inputs = new List<(string, string?)>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(InputPath, System.Text.Encoding.UTF8))
        {
            lineNumber++;
            if (!IsJsonLines)
            {
                if (!Pairs) { inputs.Add((line, null)); continue; }
                int tab = line.IndexOf('\t');
                if (tab < 0) throw new TokenizeInputException(InputPath, lineNumber, "--pairs with a text file needs 'text<TAB>text_pair' on every line; this line has no tab.");
                inputs.Add((line[..tab], line[(tab + 1)..]));
                continue;
            }
            if (line.Trim().Length == 0) continue;
            inputs.Add(ParseJsonLine(line, lineNumber));
        }
        return inputs;
    }

    private (string, string?) ParseJsonLine(string line, int lineNumber)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(line); }
        catch (JsonException e) { throw new TokenizeInputException(InputPath, lineNumber, $"not valid JSON ({e.Message})."); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                throw new TokenizeInputException(InputPath, lineNumber, "expected an object with a string field \"text\".");
            string? pair = null;
            if (root.TryGetProperty("text_pair", out var p) && p.ValueKind != JsonValueKind.Null)
                pair = p.ValueKind == JsonValueKind.String ? p.GetString() : throw new TokenizeInputException(InputPath, lineNumber, "\"text_pair\" must be a string.");
            if (Pairs && pair is null) throw new TokenizeInputException(InputPath, lineNumber, "--pairs needs a \"text_pair\" field on every line.");
            return (text.GetString()!, pair);
        }
    }

    private static void WriteLine(Stream stream, LlmMlNet.Tokenizers.Encoding encoding)
    {
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartArray("ids"); foreach (var id in encoding.Ids) w.WriteNumberValue(id); w.WriteEndArray();
            w.WriteStartArray("tokens"); foreach (var token in encoding.Tokens) w.WriteStringValue(token); w.WriteEndArray();
            w.WriteStartArray("type_ids"); foreach (var type in encoding.TypeIds) w.WriteNumberValue(type); w.WriteEndArray();
            w.WriteStartArray("offsets");
            foreach (var (start, end) in encoding.Offsets) { w.WriteStartArray(); w.WriteNumberValue(start); w.WriteNumberValue(end); w.WriteEndArray(); }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }
}
