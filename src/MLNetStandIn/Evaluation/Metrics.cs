// The metric result classes of Microsoft.ML.Data: get-only values, internal ctors (only evaluators make them).
using System.Globalization;
using System.Text;

namespace Microsoft.ML.Data;

/// <summary>Results of multiclass evaluation.</summary>
public sealed class MulticlassClassificationMetrics
{
    internal MulticlassClassificationMetrics(double logLoss, double logLossReduction, double macroAccuracy, double microAccuracy,
        int topKPredictionCount, IReadOnlyList<double> topKAccuracyForAllK, IReadOnlyList<double> perClassLogLoss, ConfusionMatrix confusionMatrix)
    {
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        MacroAccuracy = macroAccuracy;
        MicroAccuracy = microAccuracy;
        TopKPredictionCount = topKPredictionCount;
        TopKAccuracyForAllK = topKAccuracyForAllK;
        TopKAccuracy = topKPredictionCount > 0 ? topKAccuracyForAllK[^1] : 0;
        PerClassLogLoss = perClassLogLoss;
        ConfusionMatrix = confusionMatrix;
    }

    /// <summary>Mean of -ln(clamp(score[label], 1e-15, 1)).</summary>
    public double LogLoss { get; }

    /// <summary>(prior entropy - LogLoss) / prior entropy, natural log; at most 1.</summary>
    public double LogLossReduction { get; }

    /// <summary>Mean over classes present in the labels of the per-class accuracy.</summary>
    public double MacroAccuracy { get; }

    /// <summary>Fraction of rows whose top-scored class is the label.</summary>
    public double MicroAccuracy { get; }

    /// <summary>Accuracy within the top <see cref="TopKPredictionCount"/> classes (0 when not requested).</summary>
    public double TopKAccuracy { get; }

    /// <summary>The K of <see cref="TopKAccuracy"/>.</summary>
    public int TopKPredictionCount { get; }

    /// <summary>Top-k accuracy for k = 1..K (empty when not requested).</summary>
    public IReadOnlyList<double> TopKAccuracyForAllK { get; }

    /// <summary>Mean log-loss of the rows of each class.</summary>
    public IReadOnlyList<double> PerClassLogLoss { get; }

    /// <summary>The confusion matrix.</summary>
    public ConfusionMatrix ConfusionMatrix { get; }
}

/// <summary>Results of binary evaluation without probabilities.</summary>
public class BinaryClassificationMetrics
{
    internal BinaryClassificationMetrics(double auc, double accuracy, double positivePrecision, double positiveRecall,
        double negativePrecision, double negativeRecall, double f1Score, double auprc, ConfusionMatrix confusionMatrix)
    {
        AreaUnderRocCurve = auc;
        Accuracy = accuracy;
        PositivePrecision = positivePrecision;
        PositiveRecall = positiveRecall;
        NegativePrecision = negativePrecision;
        NegativeRecall = negativeRecall;
        F1Score = f1Score;
        AreaUnderPrecisionRecallCurve = auprc;
        ConfusionMatrix = confusionMatrix;
    }

    /// <summary>Area under the ROC curve (ties count one half).</summary>
    public double AreaUnderRocCurve { get; }

    /// <summary>Fraction of correct predictions.</summary>
    public double Accuracy { get; }

    /// <summary>TP / (TP + FP).</summary>
    public double PositivePrecision { get; }

    /// <summary>TP / (TP + FN).</summary>
    public double PositiveRecall { get; }

    /// <summary>TN / (TN + FN).</summary>
    public double NegativePrecision { get; }

    /// <summary>TN / (TN + FP).</summary>
    public double NegativeRecall { get; }

    /// <summary>Harmonic mean of positive precision and recall.</summary>
    public double F1Score { get; }

    /// <summary>Area under the precision-recall curve (average precision).</summary>
    public double AreaUnderPrecisionRecallCurve { get; }

    /// <summary>The 2x2 confusion matrix (class 0 = positive, as ML.NET prints it).</summary>
    public ConfusionMatrix ConfusionMatrix { get; }
}

/// <summary>Results of binary evaluation with probabilities.</summary>
public sealed class CalibratedBinaryClassificationMetrics : BinaryClassificationMetrics
{
    internal CalibratedBinaryClassificationMetrics(BinaryClassificationMetrics basic, double logLoss, double logLossReduction, double entropy)
        : base(basic.AreaUnderRocCurve, basic.Accuracy, basic.PositivePrecision, basic.PositiveRecall, basic.NegativePrecision,
            basic.NegativeRecall, basic.F1Score, basic.AreaUnderPrecisionRecallCurve, basic.ConfusionMatrix)
    {
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        Entropy = entropy;
    }

    /// <summary>Mean of -log2 of the probability given to the true class (clamped to [1e-15, 1 - 1e-15]).</summary>
    public double LogLoss { get; }

    /// <summary>(Entropy - LogLoss) / Entropy.</summary>
    public double LogLossReduction { get; }

    /// <summary>Base-2 entropy of the label prior.</summary>
    public double Entropy { get; }
}

/// <summary>Counts of (actual, predicted) class pairs: rows are actual classes, columns predicted ones.</summary>
public sealed class ConfusionMatrix
{
    private readonly string[] _classNames;

    internal ConfusionMatrix(double[][] counts, string[] classNames)
    {
        NumberOfClasses = counts.Length;
        Counts = counts.Select(r => (IReadOnlyList<double>)r.ToArray()).ToArray();
        _classNames = classNames;
        PerClassPrecision = Enumerable.Range(0, NumberOfClasses).Select(c =>
        {
            double predicted = counts.Sum(r => r[c]);
            return predicted > 0 ? counts[c][c] / predicted : 0;
        }).ToArray();
        PerClassRecall = Enumerable.Range(0, NumberOfClasses).Select(c =>
        {
            double actual = counts[c].Sum();
            return actual > 0 ? counts[c][c] / actual : 0;
        }).ToArray();
    }

    /// <summary>Precision of each class.</summary>
    public IReadOnlyList<double> PerClassPrecision { get; }

    /// <summary>Recall of each class.</summary>
    public IReadOnlyList<double> PerClassRecall { get; }

    /// <summary>Counts[actual][predicted].</summary>
    public IReadOnlyList<IReadOnlyList<double>> Counts { get; }

    /// <summary>The number of classes.</summary>
    public int NumberOfClasses { get; }

    /// <summary>The count of rows of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class index is out of range.</exception>
    public double GetCountForClassPair(int predicted, int actual)
    {
        if (predicted < 0 || predicted >= NumberOfClasses) throw new ArgumentOutOfRangeException(nameof(predicted));
        if (actual < 0 || actual >= NumberOfClasses) throw new ArgumentOutOfRangeException(nameof(actual));
        return Counts[actual][predicted];
    }

    /// <summary>The matrix as a text table with per-class recall and precision.</summary>
    public string GetFormattedConfusionTable()
    {
        int width = Math.Max(7, _classNames.Max(n => n.Length) + 1);
        var sb = new StringBuilder();
        sb.AppendLine().AppendLine("Confusion table");
        string rule = "          ||" + new string('=', (width + 3) * NumberOfClasses) + "=======";
        sb.AppendLine(rule);
        sb.Append("PREDICTED ||");
        foreach (var name in _classNames) sb.Append(name.PadLeft(width)).Append(" |");
        sb.AppendLine(" Recall");
        sb.AppendLine("TRUTH     ||" + new string('=', (width + 3) * NumberOfClasses) + "=======");
        for (int a = 0; a < NumberOfClasses; a++)
        {
            sb.Append(_classNames[a].PadLeft(9)).Append(" ||");
            for (int p = 0; p < NumberOfClasses; p++)
                sb.Append(Counts[a][p].ToString("0", CultureInfo.InvariantCulture).PadLeft(width)).Append(" |");
            sb.AppendLine(" " + PerClassRecall[a].ToString("0.0000", CultureInfo.InvariantCulture));
        }
        sb.AppendLine(rule);
        sb.Append("Precision ||");
        foreach (var precision in PerClassPrecision)
            sb.Append(precision.ToString("0.0000", CultureInfo.InvariantCulture).PadLeft(width)).Append(" |");
        return sb.AppendLine().ToString();
    }
}
