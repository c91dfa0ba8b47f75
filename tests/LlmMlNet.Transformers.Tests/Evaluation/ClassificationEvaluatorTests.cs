// Tests of the classification metrics against hand-computed values: accuracy, macro-F1 (per-class
// counts worked out in comments), log-loss with its clamp, the confusion matrix, and rank AUC with ties
// checked against the pairwise definition.

using LlmMlNet.Transformers.Evaluation;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Evaluation;

public sealed class ClassificationEvaluatorTests
{
    [Fact]
    public void ThreeClassMetricsMatchHandComputedValues()
    {
        (float[], int)[] examples =
        [
            ([0.7f, 0.2f, 0.1f], 0),   // predicted 0, correct
            ([0.1f, 0.6f, 0.3f], 1),   // predicted 1, correct
            ([0.2f, 0.3f, 0.5f], 1),   // predicted 2, wrong
            ([0.3f, 0.3f, 0.4f], 2),   // predicted 2, correct
            ([0.5f, 0.4f, 0.1f], 2),   // predicted 0, wrong
            ([0.25f, 0.5f, 0.25f], 1), // predicted 1, correct
        ];
        var metrics = ClassificationEvaluator.Evaluate(examples, 3);
        Assert.Equal(6, metrics.Count);
        Assert.Equal(4.0 / 6, metrics.Accuracy, 12);
        // F1 = 2TP / (gold + predicted): class 0: 2·1/(1+2); class 1: 2·2/(3+2); class 2: 2·1/(2+2).
        Assert.Equal((2.0 / 3 + 0.8 + 0.5) / 3, metrics.MacroF1, 12);
        // -mean ln p[gold] = (0.356675 + 0.510826 + 1.203973 + 0.916291 + 2.302585 + 0.693147) / 6.
        Assert.Equal(0.997250, metrics.LogLoss, 5);
        Assert.Null(metrics.Auc);
        var confusion = metrics.ConfusionMatrix;
        Assert.Equal(1, confusion[0, 0]);
        Assert.Equal(2, confusion[1, 1]);
        Assert.Equal(1, confusion[1, 2]);
        Assert.Equal(1, confusion[2, 0]);
        Assert.Equal(1, confusion[2, 2]);
        Assert.Equal(6, confusion.Total);
        Assert.Equal(0.5, confusion.Precision(0), 12);
        Assert.Equal(2.0 / 3, confusion.Recall(1), 12);
    }

    [Fact]
    public void BinaryAucGivesTiesHalfCredit()
    {
        // Positives 0.9, 0.8, 0.6, 0.2; negatives 0.8, 0.4, 0.4, 0.1. Pairs won: 4 + 3.5 (a tie) + 3 + 1 = 11.5 of 16.
        (float[], int)[] examples =
        [
            ([0.1f, 0.9f], 1), ([0.2f, 0.8f], 1), ([0.2f, 0.8f], 0), ([0.4f, 0.6f], 1),
            ([0.6f, 0.4f], 0), ([0.6f, 0.4f], 0), ([0.8f, 0.2f], 1), ([0.9f, 0.1f], 0),
        ];
        var metrics = ClassificationEvaluator.Evaluate(examples, 2);
        Assert.Equal(11.5 / 16, metrics.Auc!.Value, 12);
    }

    [Fact]
    public void RankAucEqualsThePairwiseDefinitionOnRandomScoresWithTies()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 20; trial++)
        {
            var scores = Enumerable.Range(0, 60).Select(_ => (Score: random.Next(8) / 8.0, Positive: random.Next(3) == 0)).ToList();
            double won = 0, pairs = 0;
            foreach (var p in scores.Where(s => s.Positive))
            {
                foreach (var n in scores.Where(s => !s.Positive))
                {
                    pairs++;
                    won += p.Score > n.Score ? 1 : p.Score == n.Score ? 0.5 : 0;
                }
            }
            Assert.Equal(won / pairs, ClassificationEvaluator.RankAuc(scores)!.Value, 12);
        }
    }

    [Fact]
    public void AucIsNullWhenOneClassIsAbsentAndLogLossIsClamped()
    {
        var metrics = ClassificationEvaluator.Evaluate([([1f, 0f], 1), ([0.4f, 0.6f], 1)], 2);
        Assert.Null(metrics.Auc);
        // p[gold] = 0 is clamped to 1e-15: (-ln 1e-15 - ln 0.6) / 2.
        Assert.Equal((34.538776394910684 + 0.5108256237659907) / 2, metrics.LogLoss, 6);
        // Class 0 is predicted once but never gold; it still counts in the macro average (F1 0), as in scikit-learn.
        Assert.Equal((0 + 2.0 / 3) / 2, metrics.MacroF1, 12);
    }

    [Fact]
    public void ArgMaxTiesGoToTheLowestClass()
    {
        var metrics = ClassificationEvaluator.Evaluate([([0.5f, 0.5f], 1)], 2);
        Assert.Equal(1, metrics.ConfusionMatrix[1, 0]);
        Assert.Equal(0, metrics.Accuracy);
    }

    [Fact]
    public void MacroF1IgnoresClassesThatNeitherOccurNorArePredicted()
    {
        var metrics = ClassificationEvaluator.Evaluate([([0.9f, 0.05f, 0.05f], 0), ([0.1f, 0.8f, 0.1f], 1)], 3);
        Assert.Equal(1.0, metrics.MacroF1, 12);
    }

    [Fact]
    public void BadInputsAreRejectedBeforeCounting()
    {
        var evaluator = new ClassificationEvaluator(2);
        Assert.Throws<ArgumentException>(() => evaluator.Add([0.5f, 0.3f, 0.2f], 0));
        Assert.Contains("logits", Assert.Throws<ArgumentException>(() => evaluator.Add([2.5f, -1f], 0)).Message);
        Assert.Throws<ArgumentException>(() => evaluator.Add([float.NaN, 0.5f], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.Add([0.5f, 0.5f], 2));
        Assert.Equal(0, evaluator.Count);
        Assert.Throws<InvalidOperationException>(() => evaluator.Compute());
    }
}
