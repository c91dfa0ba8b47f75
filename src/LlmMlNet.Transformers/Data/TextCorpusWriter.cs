// Writes an unlabeled corpus in the layout TextCorpusReader reads: one sentence (or line) per
// line, a blank line between documents. Atomic write; no tokenization or normalization.

namespace LlmMlNet.Transformers.Data;

/// <summary>Writes documents as a plain-text corpus file.</summary>
public static class TextCorpusWriter
{
    /// <summary>
    /// Writes <paramref name="documents"/> (enumerated once) to <paramref name="path"/> atomically: each document's
    /// lines, then a blank line. Lines may not be blank or contain line breaks (they would change the document structure).
    /// </summary>
    /// <returns>The number of documents written.</returns>
    /// <exception cref="ArgumentException">A blank line or a line with a line break; nothing is written then.</exception>
    public static int Write(string path, IEnumerable<IReadOnlyList<string>> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var count = 0;
        DataFiles.WriteAtomically(path, (TextWriter writer) =>
        {
            foreach (var document in documents)
            {
                if (document.Count == 0) continue;
                foreach (var line in document)
                {
                    if (string.IsNullOrWhiteSpace(line) || line.AsSpan().IndexOfAny('\n', '\r') >= 0)
                    {
                        throw new ArgumentException($"Document {count} has a blank line or a line with a line break.", nameof(documents));
                    }
                    writer.WriteLine(line);
                }
                writer.WriteLine();
                count++;
            }
        });
        return count;
    }
}
