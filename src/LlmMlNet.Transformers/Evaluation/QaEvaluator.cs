// Aggregates per-question SQuAD scores the way evaluate-v1.1.py and evaluate-v2.0.py do (mean × 100;
// v2.0's HasAns/NoAns split; missing predictions scored 0 in v1.1, skipped in v2.0). It does not
// apply v2.0's no-answer probability threshold search: the QA decoder decides empty answers.

using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Transformers.Evaluation;

/// <summary>Streaming SQuAD evaluator: <see cref="Add(QaExample, string?)"/> each question, then <see cref="Compute"/>.</summary>
public sealed class QaEvaluator
{
    private double exactSum, f1Sum, hasExact, hasF1, noExact, noF1;
    private int count, hasCount, noCount, missing;

    /// <summary>Creates an evaluator scoring by <paramref name="version"/>'s script (default v2.0, which also handles v1.1 data).</summary>
    public QaEvaluator(SquadVersion version = SquadVersion.V2_0) => Version = version;

    /// <summary>The official script whose rules apply.</summary>
    public SquadVersion Version { get; }

    /// <summary>Scores one question; <paramref name="prediction"/> null means no prediction was made.
    /// Predict "" for a question the model judges unanswerable.</summary>
    public void Add(QaExample gold, string? prediction)
    {
        ArgumentNullException.ThrowIfNull(gold);
        Add(gold.Answers.Select(a => a.Text), prediction);
    }

    /// <summary>Scores one question from its gold answer texts (empty for an unanswerable question).</summary>
    /// <exception cref="ArgumentException">v1.1 scoring and no gold answers.</exception>
    public void Add(IEnumerable<string> goldAnswers, string? prediction)
    {
        ArgumentNullException.ThrowIfNull(goldAnswers);
        var answers = goldAnswers.ToArray();
        var hasAnswer = answers.Length > 0;
        if (prediction is null)
        {
            missing++;
            if (Version == SquadVersion.V2_0) return;
            count++;
            if (hasAnswer) hasCount++;
            else noCount++;
            return;
        }
        var golds = SquadScoring.GoldAnswers(answers, Version);
        var exact = SquadScoring.MaxExactMatch(prediction, golds);
        var f1 = SquadScoring.MaxF1(prediction, golds, Version);
        count++;
        exactSum += exact;
        f1Sum += f1;
        if (hasAnswer)
        {
            hasCount++;
            hasExact += exact;
            hasF1 += f1;
        }
        else
        {
            noCount++;
            noExact += exact;
            noF1 += f1;
        }
    }

    /// <summary>Computes the metrics (0-100 scale).</summary>
    /// <exception cref="InvalidOperationException">No question was scored.</exception>
    public QaMetrics Compute()
    {
        if (count == 0) throw new InvalidOperationException("No questions were scored.");
        static double? Percent(double sum, int n) => n == 0 ? null : 100.0 * sum / n;
        return new QaMetrics(
            count, 100.0 * exactSum / count, 100.0 * f1Sum / count,
            hasCount, Percent(hasExact, hasCount), Percent(hasF1, hasCount),
            noCount, Percent(noExact, noCount), Percent(noF1, noCount),
            missing);
    }

    /// <summary>Evaluates predictions keyed by question id against gold examples (the official scripts' inputs).</summary>
    public static QaMetrics Evaluate(IEnumerable<QaExample> gold, IReadOnlyDictionary<string, string> predictions, SquadVersion version = SquadVersion.V2_0)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predictions);
        var evaluator = new QaEvaluator(version);
        foreach (var example in gold) evaluator.Add(example, predictions.GetValueOrDefault(example.Id));
        return evaluator.Compute();
    }
}
