// Counts of (gold class, predicted class) pairs, with per-class precision, recall and F1.
// Rows are gold classes and columns predictions, as in scikit-learn; it does not print itself.

namespace LlmMlNet.Transformers.Evaluation;

/// <summary>A K×K table of counts: <c>this[gold, predicted]</c>.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[] counts;

    /// <summary>Creates an all-zero matrix for <paramref name="classCount"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 classes.</exception>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ClassCount = classCount;
        counts = new long[classCount * classCount];
    }

    /// <summary>Number of classes K.</summary>
    public int ClassCount { get; }

    /// <summary>Total number of counted examples.</summary>
    public long Total { get; private set; }

    /// <summary>How many examples of gold class <paramref name="gold"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int gold, int predicted] => counts[Index(gold, predicted)];

    /// <summary>Counts one example.</summary>
    public void Add(int gold, int predicted)
    {
        counts[Index(gold, predicted)]++;
        Total++;
    }

    /// <summary>Examples whose gold class is <paramref name="c"/> (row sum).</summary>
    public long GoldCount(int c)
    {
        long sum = 0;
        for (var p = 0; p < ClassCount; p++) sum += this[c, p];
        return sum;
    }

    /// <summary>Examples predicted as class <paramref name="c"/> (column sum).</summary>
    public long PredictedCount(int c)
    {
        long sum = 0;
        for (var g = 0; g < ClassCount; g++) sum += this[g, c];
        return sum;
    }

    /// <summary>Correct predictions (the diagonal).</summary>
    public long Correct
    {
        get
        {
            long sum = 0;
            for (var c = 0; c < ClassCount; c++) sum += this[c, c];
            return sum;
        }
    }

    /// <summary>Precision of class <paramref name="c"/>: TP / predicted; 0 when the class was never predicted.</summary>
    public double Precision(int c) => PredictedCount(c) == 0 ? 0 : (double)this[c, c] / PredictedCount(c);

    /// <summary>Recall of class <paramref name="c"/>: TP / gold; 0 when the class never occurs.</summary>
    public double Recall(int c) => GoldCount(c) == 0 ? 0 : (double)this[c, c] / GoldCount(c);

    /// <summary>F1 of class <paramref name="c"/>: 2TP / (2TP + FP + FN); 0 when the class neither occurs nor is predicted.</summary>
    public double F1(int c)
    {
        var denominator = GoldCount(c) + PredictedCount(c);
        return denominator == 0 ? 0 : 2.0 * this[c, c] / denominator;
    }

    private int Index(int gold, int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gold);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(gold, ClassCount);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, ClassCount);
        return gold * ClassCount + predicted;
    }
}
