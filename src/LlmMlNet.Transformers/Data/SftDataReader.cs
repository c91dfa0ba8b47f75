// Reads supervised fine-tuning data from JSON Lines: each line {"prompt": ..., "response": ...} (TRL's
// prompt-completion form; "completion" is accepted for "response") or {"messages": [{"role", "content"}, ...]}
// (TRL's conversational form). Streams; errors name the file, line and field. Not tokenization or templates.
using System.Collections;
using System.Text.Json;

namespace LlmMlNet.Transformers.Data;

/// <summary>A re-enumerable stream of <see cref="SftExample"/> from a JSONL file.</summary>
public sealed class SftDataReader : IEnumerable<SftExample>
{
    /// <summary>Opens <paramref name="path"/> (read lazily, once per enumeration).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public SftDataReader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"SFT data file '{path}' does not exist.", path);
        Path = path;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Reads every example into a list (small files, evaluation).</summary>
    /// <exception cref="DataFormatException">A malformed line.</exception>
    public static IReadOnlyList<SftExample> ReadAll(string path) => new SftDataReader(path).ToList();

    /// <summary>The examples in file order.</summary>
    /// <exception cref="DataFormatException">A line that is not an object, has neither "messages" nor "prompt"/"response", or a turn without role or content.</exception>
    public IEnumerator<SftExample> GetEnumerator()
    {
        foreach (var (line, row) in JsonLinesReader.Read(Path))
        {
            if (row.TryGetProperty("messages", out var messages))
            {
                yield return SftExample.Chat(Turns(messages, line), line);
                continue;
            }
            if (!row.TryGetProperty("prompt", out _))
                throw new DataFormatException(Path, line, null, "expected \"prompt\" and \"response\" fields, or \"messages\".");
            string responseField = row.TryGetProperty("response", out _) || !row.TryGetProperty("completion", out _) ? "response" : "completion";
            yield return SftExample.Of(JsonLinesReader.String(row, "prompt", Path, line), JsonLinesReader.String(row, responseField, Path, line), line);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private List<ChatTurn> Turns(JsonElement messages, long line)
    {
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            throw new DataFormatException(Path, line, null, "field \"messages\" must be a non-empty array of {\"role\", \"content\"} objects.");
        var turns = new List<ChatTurn>();
        int index = 0;
        foreach (var turn in messages.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(Path, line, null, $"messages[{index}] must be an object with \"role\" and \"content\".");
            string role, content;
            try
            {
                role = JsonLinesReader.String(turn, "role", Path, line);
                content = JsonLinesReader.String(turn, "content", Path, line);
            }
            catch (DataFormatException e)
            {
                throw new DataFormatException(Path, line, null, $"messages[{index}]: {e.Reason}", e);
            }
            turns.Add(new ChatTurn(role, content));
            index++;
        }
        return turns;
    }
}
