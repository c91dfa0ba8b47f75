// Everything besides tensors that a resumed run needs to continue bit-identically: optimizer step,
// data position (epoch, batches consumed, global micro-batch counter), the seed (all our randomness
// is counter-based, so seed + counters is the whole RNG state), and early-stopping bookkeeping.
// Serialized as trainer_state.json, the file written last in a checkpoint. Not the tensors.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmMlNet.Transformers.Training;

/// <summary>The resumable scalar state of a training run.</summary>
public sealed record TrainerState
{
    /// <summary>Layout version of trainer_state.json.</summary>
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Format version; files of another version are rejected.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Optimizer steps done.</summary>
    public int GlobalStep { get; init; }

    /// <summary>Optimizer steps the run was planned for.</summary>
    public int TotalSteps { get; init; }

    /// <summary>0-based epoch to continue in.</summary>
    public int Epoch { get; init; }

    /// <summary>Micro-batches of <see cref="Epoch"/> already consumed.</summary>
    public long BatchesInEpoch { get; init; }

    /// <summary>Global micro-batch counter (keys dropout and masking).</summary>
    public long MicroBatch { get; init; }

    /// <summary>The run's seed (shuffle, masking, dropout).</summary>
    public ulong Seed { get; init; }

    /// <summary>Examples per micro-batch when the checkpoint was written (the data position depends on it).</summary>
    public int BatchSize { get; init; }

    /// <summary>Learning rate of the last update.</summary>
    public float LearningRate { get; init; }

    /// <summary>Best value of the tracked metric so far, or null.</summary>
    public double? BestMetric { get; init; }

    /// <summary>Step of the best value, or null.</summary>
    public int? BestStep { get; init; }

    /// <summary>Evaluations since the last improvement.</summary>
    public int EvaluationsWithoutImprovement { get; init; }

    /// <summary>Serializes to JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses trainer_state.json.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON or another format version; the message names <paramref name="source"/>.</exception>
    public static TrainerState FromJson(string json, string source)
    {
        TrainerState? state;
        try
        {
            state = JsonSerializer.Deserialize<TrainerState>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid trainer state ({e.Message}).", e);
        }
        if (state is null) throw new InvalidDataException($"{source}: empty trainer state.");
        if (state.FormatVersion != CurrentFormatVersion)
            throw new InvalidDataException($"{source}: format_version {state.FormatVersion} is not supported (expected {CurrentFormatVersion}).");
        return state;
    }
}
