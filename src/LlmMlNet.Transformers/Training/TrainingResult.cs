// The outcome of Trainer.Train: where the run stopped, its losses, speed and the best metric.
// Plain data; the weights themselves stay in the model's ParameterSet.
namespace LlmMlNet.Transformers.Training;

/// <summary>Summary of a finished (or early-stopped) run.</summary>
public sealed record TrainingResult
{
    /// <summary>Optimizer steps done in total (including those before a resume).</summary>
    public required int GlobalStep { get; init; }

    /// <summary>Optimizer steps the run was planned for.</summary>
    public required int TotalSteps { get; init; }

    /// <summary>Mean training loss over the steps of this call (after a resume: since the resume).</summary>
    public required double AverageLoss { get; init; }

    /// <summary>Training loss of the last step.</summary>
    public required double LastLoss { get; init; }

    /// <summary>True when early stopping ended the run.</summary>
    public required bool StoppedEarly { get; init; }

    /// <summary>Best value of the tracked metric, or null when no evaluation ran.</summary>
    public double? BestMetric { get; init; }

    /// <summary>Step of <see cref="BestMetric"/>, or null.</summary>
    public int? BestStep { get; init; }

    /// <summary>Input tokens per second over this call.</summary>
    public required double TokensPerSecond { get; init; }

    /// <summary>Wall time of this call.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The last step checkpoint written, or null.</summary>
    public string? LastCheckpoint { get; init; }

    /// <summary>One entry per optimizer step of this call, in order.</summary>
    public required IReadOnlyList<TrainingProgress> History { get; init; }
}
