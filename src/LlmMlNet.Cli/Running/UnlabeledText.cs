// Unlabeled pre-training text from the files a user already has: .txt as a corpus (one example a line, blank
// lines between documents) or the text column of a .tsv/.csv/.jsonl classification file, labels ignored (each row
// one document). Streams, re-reading the files on each pass. Not tokenization or packing (Pretraining does that).
using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Cli.Running;

/// <summary>Corpus lines from text and labeled-data files.</summary>
internal static class UnlabeledText
{
    /// <summary>
    /// The lines of <paramref name="paths"/> in order, as <see cref="CorpusLine"/>s; the sequence re-reads the files each time it
    /// is enumerated. A row's second text column (sentence pairs) follows its first in the same document.
    /// </summary>
    /// <exception cref="UsageException">A file is missing or its extension is not .txt, .tsv, .csv or .jsonl.</exception>
    public static IEnumerable<CorpusLine> Open(IReadOnlyList<string> paths, bool skipBadRows)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw new UsageException("Give at least one file of unlabeled text.");
        foreach (var path in paths)
        {
            if (!File.Exists(path)) throw new UsageException($"Unlabeled text file not found: {path}");
            var ext = Path.GetExtension(path).ToLowerInvariant();
            if (ext is not (".txt" or ".tsv" or ".csv" or ".jsonl"))
                throw new UsageException($"{path}: unlabeled text is read from .txt (one example a line) or the text column of .tsv, .csv or .jsonl.");
        }
        return Lines(paths, skipBadRows);
    }

    private static IEnumerable<CorpusLine> Lines(IReadOnlyList<string> paths, bool skipBadRows)
    {
        long document = 0;
        for (int file = 0; file < paths.Count; file++)
        {
            var path = paths[file];
            if (string.Equals(Path.GetExtension(path), ".txt", StringComparison.OrdinalIgnoreCase))
            {
                long documents = 0;
                foreach (var line in new TextCorpusReader([path], skipBadRows))
                {
                    yield return line with { DocumentIndex = document + line.DocumentIndex, FileIndex = file };
                    documents = line.DocumentIndex + 1;
                }
                document += documents;
                continue;
            }
            var reader = new TextClassificationReader(path, new TextClassificationReaderOptions { RequireLabels = false, SkipBadRows = skipBadRows });
            foreach (var row in reader)
            {
                yield return new CorpusLine(row.Text, document, true, file, row.LineNumber, default);
                if (!string.IsNullOrWhiteSpace(row.TextPair)) yield return new CorpusLine(row.TextPair, document, false, file, row.LineNumber, default);
                document++;
            }
        }
    }
}
