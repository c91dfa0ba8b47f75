// Opens a command's data file by its extension through the library's readers (TSV/CSV/JSONL text
// classification, SQuAD v1.1/v2.0 JSON for QA) and reads it once up front, so a malformed row stops the
// command (exit 2, file and line) before any training starts. Not a parser: the Data readers parse.
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;

namespace LlmMlNet.Cli.Running;

/// <summary>Checked data files.</summary>
internal static class DataInputs
{
    /// <summary>The task a data file's extension implies: "qa" for .json, "classification" otherwise.</summary>
    public static string TaskOf(string path) =>
        string.Equals(Path.GetExtension(path), ".json", StringComparison.OrdinalIgnoreCase) ? "qa" : "classification";

    /// <summary>Reads a classification file once; returns the examples and how many rows were skipped.</summary>
    /// <exception cref="UsageException">The file is missing, or its extension is not .tsv, .csv or .jsonl.</exception>
    /// <exception cref="DataFormatException">A malformed row (unless <paramref name="skipBadRows"/>).</exception>
    public static (IReadOnlyList<TextClassificationExample> Examples, int Skipped) Classification(string path, bool skipBadRows, bool requireLabels = true)
    {
        Require(path);
        if (TaskOf(path) == "qa") throw new UsageException($"{path}: a .json file is SQuAD (question answering); classification reads .tsv, .csv or .jsonl.");
        var reader = new TextClassificationReader(path, new TextClassificationReaderOptions { SkipBadRows = skipBadRows, RequireLabels = requireLabels });
        var examples = reader.ToList();
        if (examples.Count == 0) throw new DataFormatException(path, null, null, "no examples.");
        return (examples, reader.SkippedRowCount);
    }

    /// <summary>Reads a SQuAD file once; returns the examples, the version to score them by and how many records were skipped.</summary>
    /// <exception cref="UsageException">The file is missing or not .json.</exception>
    /// <exception cref="DataFormatException">A malformed record (unless <paramref name="skipBadRows"/>).</exception>
    public static (IReadOnlyList<QaExample> Examples, SquadVersion Version, int Skipped) Squad(string path, bool skipBadRows, bool requireAnswers = true)
    {
        Require(path);
        if (TaskOf(path) != "qa") throw new UsageException($"{path}: question answering reads SQuAD .json files.");
        var reader = new SquadReader(path, new SquadReaderOptions { SkipBadRows = skipBadRows, RequireAnswers = requireAnswers });
        var examples = reader.ToList();
        if (examples.Count == 0) throw new DataFormatException(path, null, null, "no questions.");
        // Scored and decoded as v2.0 (empty answers allowed) only when some question is unanswerable: a "v2.0" file without
        // such questions is v1.1 data, and allowing "no answer" would only add a way to be wrong.
        var version = examples.Any(e => e.IsImpossible) ? SquadVersion.V2_0 : SquadVersion.V1_1;
        return (examples, version, reader.SkippedRecordCount);
    }

    private static void Require(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"Data file not found: {path}");
    }
}
