// Accumulates (class probabilities, gold class) pairs and computes accuracy, macro-F1, binary AUC,
// log-loss and the confusion matrix. It needs probabilities (softmax), not logits, and keeps only
// the class-1 scores for AUC, so memory is one double per example for binary tasks.

namespace LlmMlNet.Transformers.Evaluation;

/// <summary>
/// Streaming evaluator for classification: <see cref="Add"/> each example, then <see cref="Compute"/>.
/// The predicted class is the arg-max of the probabilities (the lowest index wins ties).
/// </summary>
public sealed class ClassificationEvaluator
{
    /// <summary>Probabilities are clamped to at least this before the log in log-loss (scikit-learn's eps).</summary>
    public const double LogLossEpsilon = 1e-15;

    private readonly ConfusionMatrix confusion;
    private readonly List<(double Score, bool Positive)> binaryScores = [];
    private double logLossSum;

    /// <summary>Creates an evaluator for <paramref name="classCount"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 classes.</exception>
    public ClassificationEvaluator(int classCount)
    {
        confusion = new ConfusionMatrix(classCount);
        ClassCount = classCount;
    }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Examples added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds one example.</summary>
    /// <param name="probabilities">One probability per class (softmax output), each finite and in [0, 1].</param>
    /// <param name="goldLabel">The gold class index.</param>
    /// <exception cref="ArgumentException">Wrong length, or a probability that is not finite or outside [0, 1] (with 1e-4 slack for rounding).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The gold label is not in [0, ClassCount).</exception>
    public void Add(ReadOnlySpan<float> probabilities, int goldLabel)
    {
        if (probabilities.Length != ClassCount)
        {
            throw new ArgumentException($"Expected {ClassCount} probabilities but got {probabilities.Length}.", nameof(probabilities));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(goldLabel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(goldLabel, ClassCount);
        var predicted = 0;
        for (var c = 0; c < probabilities.Length; c++)
        {
            var p = probabilities[c];
            if (!float.IsFinite(p) || p < 0 || p > 1.0001f)
            {
                throw new ArgumentException($"Probability {c} is {p}; expected a softmax output in [0, 1] (pass probabilities, not logits).", nameof(probabilities));
            }
            if (p > probabilities[predicted]) predicted = c;
        }
        confusion.Add(goldLabel, predicted);
        logLossSum -= Math.Log(Math.Clamp((double)probabilities[goldLabel], LogLossEpsilon, 1.0));
        if (ClassCount == 2) binaryScores.Add((probabilities[1], goldLabel == 1));
        Count++;
    }

    /// <summary>Computes the metrics of the examples added so far.</summary>
    /// <exception cref="InvalidOperationException">No examples were added.</exception>
    public ClassificationMetrics Compute()
    {
        if (Count == 0) throw new InvalidOperationException("No examples were evaluated.");
        double f1Sum = 0;
        var present = 0;
        for (var c = 0; c < ClassCount; c++)
        {
            if (confusion.GoldCount(c) + confusion.PredictedCount(c) == 0) continue;
            f1Sum += confusion.F1(c);
            present++;
        }
        return new ClassificationMetrics(
            Count,
            (double)confusion.Correct / Count,
            f1Sum / present,
            ClassCount == 2 ? RankAuc(binaryScores) : null,
            logLossSum / Count,
            confusion);
    }

    /// <summary>Evaluates a whole sequence of (probabilities, gold class) pairs.</summary>
    public static ClassificationMetrics Evaluate(IEnumerable<(float[] Probabilities, int Gold)> examples, int classCount)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var evaluator = new ClassificationEvaluator(classCount);
        foreach (var (probabilities, gold) in examples) evaluator.Add(probabilities, gold);
        return evaluator.Compute();
    }

    /// <summary>
    /// ROC AUC by the Mann-Whitney U statistic: (sum of positive ranks − P(P+1)/2) / (P·N), ranks starting
    /// at 1 with tied scores sharing their average rank. Null when either class is absent.
    /// </summary>
    internal static double? RankAuc(IReadOnlyList<(double Score, bool Positive)> scores)
    {
        var sorted = scores.OrderBy(s => s.Score).ToArray();
        long positives = sorted.Count(s => s.Positive);
        long negatives = sorted.Length - positives;
        if (positives == 0 || negatives == 0) return null;
        double positiveRankSum = 0;
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j < sorted.Length && sorted[j].Score == sorted[i].Score) j++;
            var averageRank = (i + 1 + j) / 2.0;
            for (var k = i; k < j; k++)
            {
                if (sorted[k].Positive) positiveRankSum += averageRank;
            }
            i = j;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
