// What TRL's DPOTrainer logs, averaged over the pairs of one or more batches: the implicit rewards
// β·(log π − log π_ref) of the chosen and rejected responses, how often chosen wins (rewards/accuracies), the
// margin, the policy's summed log-probabilities and its mean logits. Plain numbers; DpoObjective fills them.
namespace LlmMlNet.Transformers.Training;

/// <summary>DPO metrics over a number of pairs, with TRL's names in <see cref="ToTable"/>.</summary>
public sealed record PreferenceMetrics
{
    /// <summary>Mean DPO loss.</summary>
    public double Loss { get; init; }

    /// <summary>Mean β·(log π(y_w|x) − log π_ref(y_w|x)) (TRL "rewards/chosen").</summary>
    public double RewardsChosen { get; init; }

    /// <summary>Mean β·(log π(y_l|x) − log π_ref(y_l|x)) (TRL "rewards/rejected").</summary>
    public double RewardsRejected { get; init; }

    /// <summary>Fraction of pairs whose chosen reward exceeds the rejected one (TRL "rewards/accuracies").</summary>
    public double RewardsAccuracy { get; init; }

    /// <summary>Mean chosen minus rejected reward (TRL "rewards/margins").</summary>
    public double RewardsMargin => RewardsChosen - RewardsRejected;

    /// <summary>Mean log π(y_w|x) summed over the response tokens (TRL "logps/chosen").</summary>
    public double LogpsChosen { get; init; }

    /// <summary>Mean log π(y_l|x) (TRL "logps/rejected").</summary>
    public double LogpsRejected { get; init; }

    /// <summary>Mean policy logit over the chosen responses' positions and the vocabulary (TRL "logits/chosen").</summary>
    public double LogitsChosen { get; init; }

    /// <summary>Mean policy logit over the rejected responses (TRL "logits/rejected").</summary>
    public double LogitsRejected { get; init; }

    /// <summary>Pairs averaged.</summary>
    public long Pairs { get; init; }

    /// <summary>The pair-weighted mean of several batches' metrics.</summary>
    /// <exception cref="ArgumentException">No metrics, or no pairs.</exception>
    public static PreferenceMetrics Mean(IReadOnlyCollection<PreferenceMetrics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        long n = parts.Sum(p => p.Pairs);
        if (n == 0) throw new ArgumentException("No pairs to average.", nameof(parts));
        double Avg(Func<PreferenceMetrics, double> f) => parts.Sum(p => f(p) * p.Pairs) / n;
        return new PreferenceMetrics
        {
            Loss = Avg(p => p.Loss),
            RewardsChosen = Avg(p => p.RewardsChosen),
            RewardsRejected = Avg(p => p.RewardsRejected),
            RewardsAccuracy = Avg(p => p.RewardsAccuracy),
            LogpsChosen = Avg(p => p.LogpsChosen),
            LogpsRejected = Avg(p => p.LogpsRejected),
            LogitsChosen = Avg(p => p.LogitsChosen),
            LogitsRejected = Avg(p => p.LogitsRejected),
            Pairs = n,
        };
    }

    /// <summary>The metrics under TRL's names (loss, rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins, logps/*, logits/*).</summary>
    public IReadOnlyDictionary<string, double> ToTable() => new Dictionary<string, double>
    {
        ["loss"] = Loss,
        ["rewards/chosen"] = RewardsChosen,
        ["rewards/rejected"] = RewardsRejected,
        ["rewards/accuracies"] = RewardsAccuracy,
        ["rewards/margins"] = RewardsMargin,
        ["logps/chosen"] = LogpsChosen,
        ["logps/rejected"] = LogpsRejected,
        ["logits/chosen"] = LogitsChosen,
        ["logits/rejected"] = LogitsRejected,
    };
}
