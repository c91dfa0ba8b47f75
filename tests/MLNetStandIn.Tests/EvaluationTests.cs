// Evaluators against metrics computed by hand from ML.NET's formulas, and their column-type checks.
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MLNetStandIn.Tests;

public class EvaluationTests
{
    public class Scored
    {
        [KeyType(3)] public uint Label;
        [VectorType(3)] public float[] Score = [];
    }

    [Fact]
    public void MulticlassMetricsFollowMlNetFormulas()
    {
        var rows = new[]
        {
            new Scored { Label = 1, Score = [0.7f, 0.2f, 0.1f] },
            new Scored { Label = 2, Score = [0.1f, 0.6f, 0.3f] },
            new Scored { Label = 2, Score = [0.5f, 0.4f, 0.1f] },
            new Scored { Label = 3, Score = [0.2f, 0.2f, 0.6f] },
            new Scored { Label = 3, Score = [0f, 1f, 0f] },
        };
        var ml = new MLContext(1);
        var metrics = ml.MulticlassClassification.Evaluate(ml.Data.LoadFromEnumerable(rows), topKPredictionCount: 2);

        double[] p = [0.7, 0.6, 0.4, 0.6, 1e-15];
        double logLoss = p.Average(x => -Math.Log((float)x));
        Assert.Equal(logLoss, metrics.LogLoss, 6);
        double prior = -(0.2 * Math.Log(0.2) + 2 * 0.4 * Math.Log(0.4));
        Assert.Equal((prior - logLoss) / prior, metrics.LogLossReduction, 6);
        Assert.Equal(3.0 / 5, metrics.MicroAccuracy, 12);
        Assert.Equal((1.0 + 0.5 + 0.5) / 3, metrics.MacroAccuracy, 12);
        Assert.Equal(4.0 / 5, metrics.TopKAccuracy, 12);
        Assert.Equal(new[] { 0.6, 0.8 }, metrics.TopKAccuracyForAllK.Select(x => Math.Round(x, 12)));
        Assert.Equal(1, metrics.ConfusionMatrix.GetCountForClassPair(predicted: 0, actual: 1));
        Assert.Equal(1, metrics.ConfusionMatrix.GetCountForClassPair(predicted: 1, actual: 2));
        Assert.Equal(0.5, metrics.ConfusionMatrix.PerClassPrecision[0], 12);
        Assert.Equal(0.5, metrics.ConfusionMatrix.PerClassRecall[2], 12);
        Assert.Contains("Precision", metrics.ConfusionMatrix.GetFormattedConfusionTable());
    }

    public class BadScore { public float Label; public float Score; }

    [Fact]
    public void MulticlassRejectsScalarScoreNamingTheExpectedType()
    {
        var ml = new MLContext(1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.MulticlassClassification.Evaluate(ml.Data.LoadFromEnumerable(new[] { new BadScore() })));
        Assert.Contains("Schema mismatch for score column 'Score': expected known-size vector of Single", error.Message);
    }

    public class Binary
    {
        public bool Label;
        public float Score;
        public float Probability;
        public bool PredictedLabel;
    }

    [Fact]
    public void BinaryMetricsFollowMlNetFormulas()
    {
        var rows = new[]
        {
            new Binary { Label = true, Score = 2f, Probability = 0.9f, PredictedLabel = true },
            new Binary { Label = true, Score = -1f, Probability = 0.3f, PredictedLabel = false },
            new Binary { Label = false, Score = 1f, Probability = 0.7f, PredictedLabel = true },
            new Binary { Label = false, Score = -2f, Probability = 0.1f, PredictedLabel = false },
            new Binary { Label = true, Score = 3f, Probability = 0.95f, PredictedLabel = true },
        };
        var ml = new MLContext(1);
        var metrics = ml.BinaryClassification.Evaluate(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(3.0 / 5, metrics.Accuracy, 12);
        Assert.Equal(2.0 / 3, metrics.PositivePrecision, 12);
        Assert.Equal(2.0 / 3, metrics.PositiveRecall, 12);
        Assert.Equal(1.0 / 2, metrics.NegativePrecision, 12);
        Assert.Equal(1.0 / 2, metrics.NegativeRecall, 12);
        Assert.Equal(2.0 / 3, metrics.F1Score, 12);
        Assert.Equal(5.0 / 6, metrics.AreaUnderRocCurve, 12);
        double[] trueClassProbability = [0.9, 0.3, 0.3, 0.9, 0.95];
        double logLoss = trueClassProbability.Average(x => -Math.Log2(x));
        Assert.Equal(logLoss, metrics.LogLoss, 6);
        double entropy = -(0.6 * Math.Log2(0.6) + 0.4 * Math.Log2(0.4));
        Assert.Equal(entropy, metrics.Entropy, 12);
        Assert.Equal((entropy - logLoss) / entropy, metrics.LogLossReduction, 6);

        var nonCalibrated = ml.BinaryClassification.EvaluateNonCalibrated(ml.Data.LoadFromEnumerable(rows));
        Assert.IsNotType<CalibratedBinaryClassificationMetrics>(nonCalibrated);
        Assert.Equal(metrics.AreaUnderRocCurve, nonCalibrated.AreaUnderRocCurve);
    }

    public class NoProbability { public bool Label; public float Score; public bool PredictedLabel; }

    [Fact]
    public void BinaryEvaluateRequiresProbabilityColumn()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new NoProbability { Label = true, Score = 1, PredictedLabel = true } });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Evaluate(data));
        Assert.Contains("probability column 'Probability'", error.Message);
        Assert.Equal(1.0, ml.BinaryClassification.EvaluateNonCalibrated(data).Accuracy);
    }
}
