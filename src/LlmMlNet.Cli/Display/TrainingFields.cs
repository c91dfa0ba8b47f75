// The JSON fields every training command reports (issue 7): steps, seconds, tokens_per_second,
// final_loss, trainable_parameters, total_parameters, peak_memory_mb, plus command-specific extras.
// Not the printing: JsonResult writes the line.
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Display;

/// <summary>Builds the training JSON fields.</summary>
internal static class TrainingFields
{
    /// <summary>
    /// The common fields of <paramref name="result"/> followed by <paramref name="extra"/>; <paramref name="elapsed"/> replaces the
    /// trainer's time when the run did more than the trainer (feature extraction embeds before a head trains; evaluation follows).
    /// </summary>
    public static List<KeyValuePair<string, object?>> Of(TrainingResult? result, long trainable, long total, TimeSpan? elapsed, params (string Key, object? Value)[] extra)
    {
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("steps", result?.GlobalStep ?? 0),
            new("seconds", Math.Round((elapsed ?? result?.Elapsed ?? TimeSpan.Zero).TotalSeconds, 3)),
            new("tokens_per_second", Math.Round(result?.TokensPerSecond ?? 0, 1)),
            new("final_loss", result is null ? null : Math.Round(result.LastLoss, 6)),
            new("trainable_parameters", trainable),
            new("total_parameters", total),
            new("peak_memory_mb", JsonResult.PeakMemoryMb()),
        };
        fields.AddRange(extra.Select(e => new KeyValuePair<string, object?>(e.Key, e.Value)));
        return fields;
    }
}
