// Options of the SQuAD reader: bad-question policy and whether answers are required.

namespace LlmMlNet.Transformers.Data;

/// <summary>Options for <see cref="SquadReader"/>.</summary>
public sealed record SquadReaderOptions
{
    /// <summary>
    /// True (default) for training and evaluation data: a question that is not <c>is_impossible</c> needs at
    /// least one answer. False for prediction inputs, where answers may be absent.
    /// </summary>
    public bool RequireAnswers { get; init; } = true;

    /// <summary>
    /// False (default): the first malformed question throws <see cref="DataFormatException"/>. True: malformed
    /// questions (or paragraphs) are skipped and counted in <see cref="SquadReader.SkippedRecordCount"/>.
    /// Invalid JSON always throws, since the structure after it cannot be trusted.
    /// </summary>
    public bool SkipBadRows { get; init; }
}
