// Options of the text-classification reader: labels required or not, bad-row policy, and explicit
// column names for files whose header the standard rule does not cover. No format options: the
// format comes from the extension.

namespace LlmMlNet.Transformers.Data;

/// <summary>Options for <see cref="TextClassificationReader"/>.</summary>
public sealed record TextClassificationReaderOptions
{
    /// <summary>
    /// True (default) for training and evaluation data: a label column must exist and every row needs a
    /// non-empty label. False for prediction inputs: a label column is optional and empty labels read as null.
    /// </summary>
    public bool RequireLabels { get; init; } = true;

    /// <summary>
    /// False (default): the first malformed row throws <see cref="DataFormatException"/>. True: malformed rows
    /// are skipped and counted in <see cref="TextClassificationReader.SkippedRowCount"/>. A bad header always throws.
    /// </summary>
    public bool SkipBadRows { get; init; }

    /// <summary>Name of the text column (or JSON key); null (default) applies <see cref="TextColumnRules"/>.</summary>
    public string? TextColumn { get; init; }

    /// <summary>Name of the second-text column (or JSON key); null (default) applies <see cref="TextColumnRules"/>.</summary>
    public string? TextPairColumn { get; init; }

    /// <summary>Name of the label column (or JSON key); null (default) applies <see cref="TextColumnRules"/>.</summary>
    public string? LabelColumn { get; init; }
}
