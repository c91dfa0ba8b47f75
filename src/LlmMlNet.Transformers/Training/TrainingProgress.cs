// What a run reports after every optimizer step (and after each evaluation) through IProgress.
// Plain data: no formatting, no console; the CLI and notebooks render it their own way.
namespace LlmMlNet.Transformers.Training;

/// <summary>A snapshot of a running <see cref="Trainer"/>.</summary>
public sealed record TrainingProgress
{
    /// <summary>Optimizer steps done (1-based after the first update).</summary>
    public required int Step { get; init; }

    /// <summary>Optimizer steps in the whole run.</summary>
    public required int TotalSteps { get; init; }

    /// <summary>0-based epoch being read.</summary>
    public required int Epoch { get; init; }

    /// <summary>Mean training loss of the last optimizer step's micro-batches.</summary>
    public required double Loss { get; init; }

    /// <summary>Learning rate used by the last update.</summary>
    public required float LearningRate { get; init; }

    /// <summary>Gradient L2 norm before clipping of the last update.</summary>
    public required double GradientNorm { get; init; }

    /// <summary>Input tokens per second since this run (or resume) started.</summary>
    public required double TokensPerSecond { get; init; }

    /// <summary>Estimated time to the last step at the current pace.</summary>
    public required TimeSpan EstimatedRemaining { get; init; }

    /// <summary>Time since this run (or resume) started.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Metrics of an evaluation run at this step; null when none ran.</summary>
    public IReadOnlyDictionary<string, double>? Evaluation { get; init; }
}
