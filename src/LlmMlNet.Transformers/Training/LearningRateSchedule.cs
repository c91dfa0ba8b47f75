// Linear warm-up then linear, cosine or constant decay, as Hugging Face's get_*_schedule_with_warmup:
// the update of optimizer step k (0-based) uses base · λ(k), so with warm-up the first update uses
// rate 0, exactly as PyTorch's LambdaLR stepped after each optimizer step. Not an optimizer.
namespace LlmMlNet.Transformers.Training;

/// <summary>The learning rate as a pure function of the optimizer step.</summary>
public sealed class LearningRateSchedule
{
    /// <summary>Creates a schedule.</summary>
    /// <param name="baseRate">Peak rate.</param>
    /// <param name="totalSteps">Optimizer steps in the whole run.</param>
    /// <param name="warmupSteps">Steps of linear warm-up from 0.</param>
    /// <param name="decay">Shape after warm-up.</param>
    /// <exception cref="ArgumentException">A negative rate or step count, or warm-up longer than the run.</exception>
    public LearningRateSchedule(float baseRate, int totalSteps, int warmupSteps, LearningRateDecay decay)
    {
        if (!(baseRate >= 0f)) throw new ArgumentException($"baseRate must be >= 0, got {baseRate}.", nameof(baseRate));
        if (totalSteps < 1) throw new ArgumentException($"totalSteps must be >= 1, got {totalSteps}.", nameof(totalSteps));
        if (warmupSteps < 0 || warmupSteps > totalSteps)
            throw new ArgumentException($"warmupSteps must be in [0, {totalSteps}], got {warmupSteps}.", nameof(warmupSteps));
        BaseRate = baseRate;
        TotalSteps = totalSteps;
        WarmupSteps = warmupSteps;
        Decay = decay;
    }

    /// <summary>The schedule <paramref name="options"/> describe over <paramref name="totalSteps"/> steps.</summary>
    public static LearningRateSchedule From(TrainerOptions options, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(options);
        int warmup = options.WarmupSteps ?? (int)Math.Ceiling(options.WarmupRatio * totalSteps);
        return new LearningRateSchedule(options.LearningRate, totalSteps, Math.Min(warmup, totalSteps), options.Decay);
    }

    /// <summary>Peak rate.</summary>
    public float BaseRate { get; }

    /// <summary>Steps in the run.</summary>
    public int TotalSteps { get; }

    /// <summary>Warm-up steps.</summary>
    public int WarmupSteps { get; }

    /// <summary>Decay shape.</summary>
    public LearningRateDecay Decay { get; }

    /// <summary>The multiplier λ(step) in [0, 1] for 0-based optimizer step <paramref name="step"/>.</summary>
    public double Factor(int step)
    {
        if (step < WarmupSteps) return (double)step / Math.Max(1, WarmupSteps);
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return Decay switch
        {
            LearningRateDecay.Linear => Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps)),
            LearningRateDecay.Cosine => Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * progress))),
            _ => 1.0,
        };
    }

    /// <summary>The rate used by the update of 0-based optimizer step <paramref name="step"/>.</summary>
    public float RateAt(int step) => (float)(BaseRate * Factor(step));
}
