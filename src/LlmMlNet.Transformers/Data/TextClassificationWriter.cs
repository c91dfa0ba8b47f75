// Writes text-classification examples as TSV, CSV or JSON Lines (format from the extension) in the
// layout TextClassificationReader reads back: columns text[, text_pair][, label]. Atomic writes.
// It does not write predictions with probabilities; the CLI's predict command formats those.

using System.Text.Json;
using CsvHelper;

namespace LlmMlNet.Transformers.Data;

/// <summary>Writes <see cref="TextClassificationExample"/> sequences to files.</summary>
public static class TextClassificationWriter
{
    /// <summary>
    /// Writes <paramref name="examples"/> (enumerated once) to <paramref name="path"/>, atomically. The columns are
    /// <c>text</c>, then <c>text_pair</c> if the first example has a pair, then <c>label</c> if it has a label; every
    /// later example must have the same shape. TSV has no quoting, so its texts may not hold tabs or line breaks.
    /// </summary>
    /// <returns>The number of examples written.</returns>
    /// <exception cref="ArgumentException">Unknown extension; an example whose shape differs from the first; an empty
    /// text; a TSV field with a tab or line break. Nothing is written then.</exception>
    public static int Write(string path, IEnumerable<TextClassificationExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var format = TextDataFormats.FromPath(path);
        var count = 0;
        DataFiles.WriteAtomically(path, (Stream stream) =>
        {
            using var rows = examples.GetEnumerator();
            if (!rows.MoveNext()) throw new ArgumentException("There are no examples to write.", nameof(examples));
            var first = rows.Current;
            var hasPair = first.TextPair is not null;
            var hasLabel = first.Label is not null;
            string[] header = ["text", .. hasPair ? new[] { "text_pair" } : [], .. hasLabel ? new[] { "label" } : []];
            var sink = RowSink.Create(format, stream, header);
            try
            {
                do
                {
                    var example = rows.Current;
                    if (string.IsNullOrWhiteSpace(example.Text)) throw new ArgumentException($"Example {count} has an empty text.", nameof(examples));
                    if ((example.TextPair is not null) != hasPair || (example.Label is not null) != hasLabel)
                    {
                        throw new ArgumentException(
                            $"Example {count} differs in shape from the first (pair: {hasPair}, label: {hasLabel}); all rows need the same columns.",
                            nameof(examples));
                    }
                    string[] fields = [example.Text, .. hasPair ? new[] { example.TextPair! } : [], .. hasLabel ? new[] { example.Label! } : []];
                    sink.Write(fields, count);
                    count++;
                }
                while (rows.MoveNext());
            }
            finally
            {
                sink.Dispose();
            }
        });
        return count;
    }

    private abstract class RowSink : IDisposable
    {
        public static RowSink Create(TextDataFormat format, Stream stream, string[] header) => format switch
        {
            TextDataFormat.JsonLines => new JsonLinesSink(stream, header),
            _ => new DelimitedSink(format, stream, header),
        };

        public abstract void Write(string[] fields, int index);

        public abstract void Dispose();
    }

    private sealed class DelimitedSink : RowSink
    {
        private readonly CsvWriter writer;
        private readonly bool tsv;

        public DelimitedSink(TextDataFormat format, Stream stream, string[] header)
        {
            tsv = format == TextDataFormat.Tsv;
            writer = CsvWriter.Create(stream, new CsvWriterOptions
            {
                Separator = tsv ? '\t' : ',',
                Mode = tsv ? CsvMode.NoEscape : CsvMode.Rfc4180,
                NewLine = "\n",
            }, true);
            writer.WriteHeader(header);
        }

        public override void Write(string[] fields, int index)
        {
            if (tsv)
            {
                foreach (var field in fields)
                {
                    if (field.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
                    {
                        throw new ArgumentException($"Example {index} has a tab or line break, which TSV cannot hold; write CSV or JSONL instead.");
                    }
                }
            }
            writer.WriteRecord(fields);
        }

        public override void Dispose() => writer.Dispose();
    }

    private sealed class JsonLinesSink(Stream stream, string[] header) : RowSink
    {
        private static readonly byte[] NewLine = "\n"u8.ToArray();
        private readonly Utf8JsonWriter writer = new(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        public override void Write(string[] fields, int index)
        {
            writer.Reset(stream);
            writer.WriteStartObject();
            for (var i = 0; i < header.Length; i++) writer.WriteString(header[i], fields[i]);
            writer.WriteEndObject();
            writer.Flush();
            stream.Write(NewLine);
        }

        public override void Dispose() => writer.Dispose();
    }
}
