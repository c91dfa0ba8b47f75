// Opens a command's data file by its extension through the library's readers (TSV/CSV/JSONL text
// classification, SQuAD v1.1/v2.0 JSON for QA) and reads it once up front, so a malformed row stops the
// command (exit 2, file and line) before any training starts; classification rows are then streamed again
// rather than kept. Not a parser: the Data readers parse.
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;

namespace LlmMlNet.Cli.Running;

/// <summary>Checked data files.</summary>
internal static class DataInputs
{
    /// <summary>The task a data file's extension implies: "qa" for .json, "classification" otherwise.</summary>
    public static string TaskOf(string path) =>
        string.Equals(Path.GetExtension(path), ".json", StringComparison.OrdinalIgnoreCase) ? "qa" : "classification";

    /// <summary>
    /// Checks a classification file in one streamed pass (every row parsed, labels collected) and returns the reader, which
    /// later passes re-read from disk: memory stays bounded by what the caller keeps, not by the file's size.
    /// </summary>
    /// <exception cref="UsageException">The file is missing, or its extension is not .tsv, .csv or .jsonl.</exception>
    /// <exception cref="DataFormatException">A malformed row (unless <paramref name="skipBadRows"/>), or no rows at all.</exception>
    public static ClassificationFile Classification(string path, bool skipBadRows, bool requireLabels = true)
    {
        Require(path);
        if (TaskOf(path) == "qa") throw new UsageException($"{path}: a .json file is SQuAD (question answering); classification reads .tsv, .csv or .jsonl.");
        var reader = new TextClassificationReader(path, new TextClassificationReaderOptions { SkipBadRows = skipBadRows, RequireLabels = requireLabels });
        var labels = new HashSet<string>(StringComparer.Ordinal);
        int count = 0;
        foreach (var example in reader)
        {
            count++;
            if (example.Label is { } label) labels.Add(label);
        }
        if (count == 0) throw new DataFormatException(path, null, null, reader.SkippedRowCount > 0 ? $"every row is malformed ({reader.SkippedRowCount} skipped)." : "no examples.");
        // The count travels with the reader, so training plans its epochs and progress without parsing the file once more.
        return new ClassificationFile(path, new CountedSequence<TextClassificationExample>(reader, count), count, reader.SkippedRowCount,
            labels.Count == 0 ? null : LabelMap.FromLabels(labels));
    }

    /// <summary>Stops (exit 2, naming file and line) at the first example whose label <paramref name="labels"/> does not hold.</summary>
    /// <exception cref="DataFormatException">An unknown or missing label.</exception>
    public static void RequireKnownLabels(ClassificationFile file, LabelMap labels, string labelSource)
    {
        foreach (var example in file.Examples)
            if (example.Label is null || !labels.TryGetIndex(example.Label, out _))
                throw new DataFormatException(file.Path, example.LineNumber, null,
                    $"label '{example.Label}' does not occur in {labelSource} ({string.Join(", ", labels.Labels)}).");
    }

    /// <summary>
    /// Runs library work over the examples of <paramref name="path"/>, turning the featurizers' complaints about one example
    /// (an unknown label, a question that leaves no room for its context, an answer outside it) into bad data naming the file.
    /// </summary>
    /// <exception cref="DataFormatException">The library rejected an example.</exception>
    public static T Guard<T>(string path, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (ArgumentException e) when (e.ParamName is "example" or "label")
        {
            throw new DataFormatException(path, null, null, e.Message, e);
        }
    }

    /// <summary><see cref="Guard{T}"/> for work without a result.</summary>
    public static void Guard(string path, Action work) => Guard(path, () =>
    {
        work();
        return 0;
    });

    /// <summary>
    /// Checks a SQuAD file in one streamed pass and returns its reader (re-read from disk by later passes), the question
    /// count, the version to score by and how many records were skipped.
    /// </summary>
    /// <exception cref="UsageException">The file is missing or not .json.</exception>
    /// <exception cref="DataFormatException">A malformed record (unless <paramref name="skipBadRows"/>), or no questions.</exception>
    public static SquadFile Squad(string path, bool skipBadRows, bool requireAnswers = true)
    {
        Require(path);
        if (TaskOf(path) != "qa") throw new UsageException($"{path}: question answering reads SQuAD .json files.");
        var reader = new SquadReader(path, new SquadReaderOptions { SkipBadRows = skipBadRows, RequireAnswers = requireAnswers });
        int count = 0;
        bool anyImpossible = false;
        foreach (var example in reader)
        {
            count++;
            anyImpossible |= example.IsImpossible;
        }
        if (count == 0) throw new DataFormatException(path, null, null, "no questions.");
        // Scored and decoded as v2.0 (empty answers allowed) only when some question is unanswerable: a "v2.0" file without
        // such questions is v1.1 data, and allowing "no answer" would only add a way to be wrong.
        return new SquadFile(path, new CountedSequence<QaExample>(reader, count), anyImpossible ? SquadVersion.V2_0 : SquadVersion.V1_1, reader.SkippedRecordCount);
    }

    private static void Require(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"Data file not found: {path}");
    }
}

/// <summary>A checked classification file: the streaming reader and what the checking pass saw.</summary>
/// <param name="Path">The file.</param>
/// <param name="Examples">The rows, re-read from disk on each enumeration (bad rows skipped when asked).</param>
/// <param name="Count">Rows read.</param>
/// <param name="Skipped">Malformed rows skipped.</param>
/// <param name="Labels">The labels present, ordered as the library orders them; null when the file has none.</param>
internal sealed record ClassificationFile(string Path, IEnumerable<TextClassificationExample> Examples, int Count, int Skipped, LabelMap? Labels);

/// <summary>A checked SQuAD file: the streaming reader (with its question count) and what the checking pass saw.</summary>
/// <param name="Path">The file.</param>
/// <param name="Examples">The questions, re-read from disk on each enumeration.</param>
/// <param name="Version">v2.0 when some question is unanswerable, else v1.1.</param>
/// <param name="Skipped">Malformed records skipped.</param>
internal sealed record SquadFile(string Path, CountedSequence<QaExample> Examples, SquadVersion Version, int Skipped);
