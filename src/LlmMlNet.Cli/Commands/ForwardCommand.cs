// `llmmlnet forward`: runs a Hugging Face checkpoint folder over a JSONL file of token ids and writes
// each line's last_hidden_state and, when asked, the head's logits, as nested arrays. Argument
// handling and JSON I/O only; the model is LlmMlNet.Transformers'. Not a tokenizer: ids come in.
using System.CommandLine;
using System.Text.Json;
using LlmMlNet.Cli.Running;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `forward` command.</summary>
public static class ForwardCommand
{
    /// <summary>Creates the `forward` command.</summary>
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder (config.json + model.safetensors).", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "JSONL: one {\"input_ids\": [...], \"attention_mask\": [...], \"token_type_ids\": [...]} per line (the last two optional).", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "JSONL written atomically: last_hidden_state and the head's logits per line.", Required = true };
        var head = new Option<string>("--head") { Description = "Head to run: mlm, clm, classification, qa or none.", DefaultValueFactory = _ => "none" };
        head.AcceptOnlyFromAmong([.. HeadKinds.Names]);
        var command = new Command("forward", "Run a checkpoint over token ids and write hidden states and logits as JSONL.") { model, input, output, head };
        command.SetAction(parse => CommandRunner.Execute("forward", _ =>
            Run(parse.GetValue(model)!, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(head)!)));
        return command;
    }

    private static int Run(DirectoryInfo modelFolder, FileInfo inputFile, FileInfo outputFile, string headName)
    {
        OutputPaths.RequireWritableFile(outputFile.FullName, "--output");
        var rows = ReadInput(inputFile.FullName);
        var kind = HeadKinds.Parse(headName);
        var config = TransformerConfigReader.Read(Path.Combine(modelFolder.FullName, CheckpointFolder.ConfigFileName));
        IReadOnlySet<KeyGroup> groups;
        try
        {
            groups = HeadKinds.Groups(kind, config.Family);
        }
        catch (NotSupportedException e)
        {
            throw new UsageException($"--head {headName}: {e.Message}");
        }
        foreach (var (row, line) in rows)
        {
            try
            {
                row.Validate(config, PositionIds.For(config, row));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{inputFile.FullName}: line {line}: {e.Message}", e);
            }
        }
        var parameters = TransformerParameters.FromPretrained(modelFolder.FullName, groups, out var report);
        if (report.Initialized.Count > 0)
            Console.Error.WriteLine($"warning: the checkpoint has no weights for {string.Join(", ", report.MissingHfKeys)}; they are random");
        var maxLength = rows.Count == 0 ? 1 : rows.Max(r => r.Batch.SequenceLength);
        var body = new TransformerModel(parameters, 1, maxLength);
        var taskHead = HeadKinds.Create(kind, body);
        body.Commit();
        AtomicFile.Write(outputFile.FullName, stream =>
        {
            foreach (var (row, _) in rows)
            {
                using (var json = new Utf8JsonWriter(stream))
                {
                    var hidden = body.Forward(row);
                    json.WriteStartObject();
                    WriteMatrix(json, "last_hidden_state", hidden, row.SequenceLength, config.HiddenSize);
                    if (taskHead != null) WriteHead(json, taskHead, taskHead.Forward(hidden), row.SequenceLength, config);
                    json.WriteEndObject();
                }
                stream.WriteByte((byte)'\n');
            }
        });
        return ExitCodes.Success;
    }

    private static void WriteHead(Utf8JsonWriter json, TransformerHead head, ReadOnlySpan<float> logits, int length, TransformerConfig config)
    {
        switch (head)
        {
            case QuestionAnsweringHead qa:
                WriteVector(json, "start_logits", qa.StartLogits);
                WriteVector(json, "end_logits", qa.EndLogits);
                break;
            case SequenceClassificationHead:
                WriteVector(json, "logits", logits[..config.NumLabels]);
                break;
            default:
                WriteMatrix(json, "logits", logits, length, config.VocabSize);
                break;
        }
    }

    private static void WriteMatrix(Utf8JsonWriter json, string name, ReadOnlySpan<float> values, int rows, int columns)
    {
        json.WriteStartArray(name);
        for (var r = 0; r < rows; r++)
        {
            json.WriteStartArray();
            foreach (var v in values.Slice(r * columns, columns)) json.WriteNumberValue(v);
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    private static void WriteVector(Utf8JsonWriter json, string name, ReadOnlySpan<float> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }

    // Reads every line before any model work, so a malformed line fails fast naming file and line.
    private static List<(ModelBatch Batch, int Line)> ReadInput(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--input: file not found: {path}", path);
        var rows = new List<(ModelBatch, int)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (!root.TryGetProperty("input_ids", out var idsElement))
                    throw new InvalidDataException("missing field 'input_ids'");
                var ids = Ints(idsElement, "input_ids");
                if (ids.Length == 0) throw new InvalidDataException("'input_ids' is empty");
                var mask = root.TryGetProperty("attention_mask", out var m) ? Ints(m, "attention_mask") : null;
                var types = root.TryGetProperty("token_type_ids", out var t) ? Ints(t, "token_type_ids") : null;
                if (mask != null && mask.Length != ids.Length) throw new InvalidDataException("'attention_mask' length differs from 'input_ids'");
                if (types != null && types.Length != ids.Length) throw new InvalidDataException("'token_type_ids' length differs from 'input_ids'");
                rows.Add((new ModelBatch(1, ids.Length, ids, mask, types), lineNumber));
            }
            catch (Exception e) when (e is JsonException or InvalidDataException or FormatException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}: line {lineNumber}: {e.Message}", e);
            }
        }
        return rows;
    }

    private static int[] Ints(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var id)
                ? id : throw new InvalidDataException($"'{field}' holds {v.GetRawText()}, which is not a 32-bit integer")).ToArray()
            : throw new InvalidDataException($"'{field}' must be an array of integers");
}
