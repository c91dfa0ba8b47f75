// Writes QA examples as a SQuAD v1.1 or v2.0 JSON file that SquadReader (and the official
// evaluation script) read: consecutive examples with the same title form an article, consecutive
// ones with the same context a paragraph. Atomic write; no pretty-printing.

using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmMlNet.Transformers.Data;

/// <summary>Writes <see cref="QaExample"/> sequences as SQuAD JSON.</summary>
public static class SquadWriter
{
    /// <summary>
    /// Writes <paramref name="examples"/> (enumerated once, streamed) to <paramref name="path"/> atomically, with
    /// <c>"version"</c> "1.1" or "v2.0". v2.0 files carry <c>is_impossible</c> on every question.
    /// </summary>
    /// <returns>The number of questions written.</returns>
    /// <exception cref="ArgumentException">An answer that does not match its context, or an unanswerable question in a v1.1 file.</exception>
    public static int Write(string path, IEnumerable<QaExample> examples, SquadVersion version)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var count = 0;
        DataFiles.WriteAtomically(path, (Stream stream) =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.WriteStartObject();
            json.WriteString("version", version == SquadVersion.V2_0 ? "v2.0" : "1.1");
            json.WriteStartArray("data");
            string? title = null, context = null;
            var articleOpen = false;
            var paragraphOpen = false;
            foreach (var example in examples)
            {
                Validate(example, version, count);
                var newArticle = !articleOpen || !string.Equals(title, example.Title, StringComparison.Ordinal);
                if (paragraphOpen && (newArticle || !string.Equals(context, example.Context, StringComparison.Ordinal)))
                {
                    json.WriteEndArray();
                    json.WriteEndObject();
                    paragraphOpen = false;
                }
                if (newArticle)
                {
                    if (articleOpen)
                    {
                        json.WriteEndArray();
                        json.WriteEndObject();
                    }
                    json.WriteStartObject();
                    json.WriteString("title", example.Title ?? "");
                    json.WriteStartArray("paragraphs");
                    articleOpen = true;
                    title = example.Title;
                }
                if (!paragraphOpen)
                {
                    json.WriteStartObject();
                    json.WriteString("context", example.Context);
                    json.WriteStartArray("qas");
                    paragraphOpen = true;
                    context = example.Context;
                }
                WriteQuestion(json, example, version);
                count++;
                if (json.BytesPending > 1 << 16) json.Flush();
            }
            if (paragraphOpen)
            {
                json.WriteEndArray();
                json.WriteEndObject();
            }
            if (articleOpen)
            {
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
        return count;
    }

    private static void Validate(QaExample example, SquadVersion version, int index)
    {
        if (example.IsImpossible && version == SquadVersion.V1_1)
        {
            throw new ArgumentException($"Question '{example.Id}' (#{index}) is unanswerable, which SQuAD v1.1 cannot hold; write v2.0.");
        }
        foreach (var answer in example.Answers)
        {
            if (answer.Start < 0 || answer.End > example.Context.Length ||
                string.CompareOrdinal(example.Context, answer.Start, answer.Text, 0, answer.Text.Length) != 0)
            {
                throw new ArgumentException($"Question '{example.Id}' (#{index}): answer '{answer.Text}' does not match the context at {answer.Start}.");
            }
        }
    }

    private static void WriteQuestion(Utf8JsonWriter json, QaExample example, SquadVersion version)
    {
        json.WriteStartObject();
        json.WriteString("id", example.Id);
        json.WriteString("question", example.Question);
        json.WriteStartArray("answers");
        foreach (var answer in example.Answers)
        {
            json.WriteStartObject();
            json.WriteString("text", answer.Text);
            json.WriteNumber("answer_start", answer.Start);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (version == SquadVersion.V2_0) json.WriteBoolean("is_impossible", example.IsImpossible);
        json.WriteEndObject();
    }
}
