// The multiclass and binary evaluators behind the catalogs' Evaluate methods, with ML.NET's column checks
// and formulas: multiclass LogLoss -ln(clamp(p, 1e-15, 1)), natural-log reduction against the label prior;
// binary LogLoss and Entropy in base 2. No weights, no stratification, no per-instance output.
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Data;

internal static class LabelReader
{
    /// <summary>A getter of the label as float: Single as is, Double cast, Boolean 1/0, Key k as k-1 (0 → NaN).</summary>
    public static Func<float> Make(DataViewRow row, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case NumberDataViewType when column.Type.RawType == typeof(float):
            {
                var g = row.GetGetter<float>(column);
                return () => { float v = 0; g(ref v); return v; };
            }
            case NumberDataViewType when column.Type.RawType == typeof(double):
            {
                var g = row.GetGetter<double>(column);
                return () => { double v = 0; g(ref v); return (float)v; };
            }
            case BooleanDataViewType:
            {
                var g = row.GetGetter<bool>(column);
                return () => { bool v = false; g(ref v); return v ? 1 : 0; };
            }
            case KeyDataViewType key:
            {
                var method = typeof(LabelReader).GetMethod(nameof(KeyReader), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
                return (Func<float>)method.MakeGenericMethod(key.RawType).Invoke(null, [row, column])!;
            }
            default:
                throw new InvalidOperationException($"Label column '{column.Name}' has unsupported type {column.Type}.");
        }
    }

    private static Func<float> KeyReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var g = row.GetGetter<T>(column);
        return () =>
        {
            T v = default!;
            g(ref v);
            ulong k = Convert.ToUInt64(v);
            return k == 0 ? float.NaN : k - 1;
        };
    }
}

internal static class MulticlassEvaluator
{
    private const float Epsilon = 1e-15f;

    public static MulticlassClassificationMetrics Evaluate(IDataView data, string labelColumnName, string scoreColumnName,
        string predictedLabelColumnName, int topKPredictionCount)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(predictedLabelColumnName);
        if (topKPredictionCount < 0) throw new ArgumentOutOfRangeException(nameof(topKPredictionCount), "must be non-negative");
        var schema = data.Schema;
        var score = schema.GetColumnOrNull(scoreColumnName) ?? throw SchemaErrors.Missing("schema", "score", scoreColumnName);
        if (score.Type is not VectorDataViewType { IsKnownSize: true, Size: >= 2 } vector || vector.ItemType != NumberDataViewType.Single)
            throw SchemaErrors.Mismatch("schema", "score", scoreColumnName, "known-size vector of Single with at least 2 items", score.Type.ToString()!);
        var label = schema.GetColumnOrNull(labelColumnName) ?? throw SchemaErrors.Missing("schema", "label", labelColumnName);
        if (label.Type != NumberDataViewType.Single && label.Type is not KeyDataViewType)
            throw SchemaErrors.Mismatch("schema", "label", labelColumnName, "Single or Key", label.Type.ToString()!);
        int k = vector.Size;
        var confusion = new double[k][];
        for (int i = 0; i < k; i++) confusion[i] = new double[k];
        var classCount = new double[k];
        var classLogLoss = new double[k];
        var topKHits = new double[Math.Max(topKPredictionCount, 0)];
        double total = 0, correct = 0, logLossSum = 0;
        using (var cursor = data.GetRowCursor([score, label]))
        {
            var readLabel = LabelReader.Make(cursor, label);
            var readScore = cursor.GetGetter<VBuffer<float>>(score);
            VBuffer<float> buffer = default;
            var scores = new float[k];
            while (cursor.MoveNext())
            {
                float y = readLabel();
                if (float.IsNaN(y) || y < 0 || y != (int)y) continue;
                readScore(ref buffer);
                buffer.CopyTo(scores);
                if (scores.Any(s => !float.IsFinite(s))) continue;
                var ranking = Enumerable.Range(0, k).OrderByDescending(i => scores[i]).ToArray();
                int target = (int)y;
                double loss = target < k ? -Math.Log(Math.Min(1, Math.Max(Epsilon, scores[target]))) : -Math.Log(Epsilon);
                total++;
                logLossSum += loss;
                if (target >= k) continue;
                classCount[target]++;
                classLogLoss[target] += loss;
                confusion[target][ranking[0]]++;
                if (ranking[0] == target) correct++;
                int rank = Array.IndexOf(ranking, target);
                for (int t = rank; t < topKHits.Length; t++) topKHits[t]++;
            }
        }
        double logLoss = total > 0 ? logLossSum / total : 0;
        double entropy = 0;
        foreach (var count in classCount)
            if (count > 0) entropy -= count / total * Math.Log(count / total);
        var present = Enumerable.Range(0, k).Where(c => classCount[c] > 0).ToArray();
        double macro = present.Length > 0 ? present.Average(c => confusion[c][c] / classCount[c]) : 0;
        var names = ClassNames(score, k);
        return new MulticlassClassificationMetrics(logLoss, (entropy - logLoss) / entropy, macro, total > 0 ? correct / total : 0,
            topKPredictionCount, topKHits.Select(h => total > 0 ? h / total : 0).ToArray(),
            Enumerable.Range(0, k).Select(c => classCount[c] > 0 ? classLogLoss[c] / classCount[c] : 0).ToArray(),
            new ConfusionMatrix(confusion, names));
    }

    private static string[] ClassNames(DataViewSchema.Column score, int k)
    {
        if (score.Annotations.Schema.GetColumnOrNull("SlotNames") is { Type: VectorDataViewType { ItemType: TextDataViewType, Size: var n } } && n == k)
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            score.Annotations.GetValue("SlotNames", ref names);
            return names.DenseValues().Select(m => m.ToString()).ToArray();
        }
        return Enumerable.Range(0, k).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}

internal static class BinaryEvaluator
{
    private const double Epsilon = 1e-15;

    public static BinaryClassificationMetrics Evaluate(IDataView data, string labelColumnName, string scoreColumnName, string? probabilityColumnName, string predictedLabelColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        var schema = data.Schema;
        var label = schema.GetColumnOrNull(labelColumnName) ?? throw SchemaErrors.Missing("schema", "label", labelColumnName);
        bool labelOk = label.Type == NumberDataViewType.Single || label.Type == NumberDataViewType.Double
            || label.Type is BooleanDataViewType || label.Type is KeyDataViewType { Count: 2 };
        if (!labelOk) throw SchemaErrors.Mismatch("schema", "label", labelColumnName, "Single, Double, Boolean, or a Key with cardinality 2", label.Type.ToString()!);
        var score = schema.GetColumnOrNull(scoreColumnName) ?? throw SchemaErrors.Missing("schema", "score", scoreColumnName);
        if (score.Type != NumberDataViewType.Single) throw SchemaErrors.Mismatch("schema", "score", scoreColumnName, "Single", score.Type.ToString()!);
        DataViewSchema.Column? probability = null;
        if (probabilityColumnName != null)
        {
            probability = schema.GetColumnOrNull(probabilityColumnName) ?? throw SchemaErrors.Missing("schema", "probability", probabilityColumnName);
            if (probability.Value.Type != NumberDataViewType.Single)
                throw SchemaErrors.Mismatch("schema", "probability", probabilityColumnName, "Single", probability.Value.Type.ToString()!);
        }
        var predicted = schema.GetColumnOrNull(predictedLabelColumnName) ?? throw SchemaErrors.Missing("schema", "predicted label", predictedLabelColumnName);
        if (predicted.Type is not BooleanDataViewType)
            throw SchemaErrors.Mismatch("schema", "predicted label", predictedLabelColumnName, "Boolean", predicted.Type.ToString()!);

        var rows = new List<(bool Positive, float Score)>();
        double tp = 0, fp = 0, tn = 0, fn = 0, logLossSum = 0;
        var needed = new List<DataViewSchema.Column> { label, score, predicted };
        if (probability.HasValue) needed.Add(probability.Value);
        using (var cursor = data.GetRowCursor(needed))
        {
            var readLabel = LabelReader.Make(cursor, label);
            var readScore = cursor.GetGetter<float>(score);
            var readPredicted = cursor.GetGetter<bool>(predicted);
            var readProbability = probability.HasValue ? cursor.GetGetter<float>(probability.Value) : null;
            float s = 0, p = 0;
            bool guess = false;
            while (cursor.MoveNext())
            {
                float y = readLabel();
                readScore(ref s);
                if (float.IsNaN(y) || float.IsNaN(s)) continue;
                bool positive = y > 0;
                readPredicted(ref guess);
                rows.Add((positive, s));
                if (positive && guess) tp++;
                else if (positive) fn++;
                else if (guess) fp++;
                else tn++;
                if (readProbability != null)
                {
                    readProbability(ref p);
                    double q = Math.Clamp(p, Epsilon, 1 - Epsilon);
                    logLossSum += positive ? -Math.Log(q, 2) : -Math.Log(1 - q, 2);
                }
            }
        }
        double n = rows.Count;
        double precision = tp + fp > 0 ? tp / (tp + fp) : 0;
        double recall = tp + fn > 0 ? tp / (tp + fn) : 0;
        var basic = new BinaryClassificationMetrics(Auc(rows), n > 0 ? (tp + tn) / n : 0, precision, recall,
            tn + fn > 0 ? tn / (tn + fn) : 0, tn + fp > 0 ? tn / (tn + fp) : 0,
            precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0, AveragePrecision(rows),
            new ConfusionMatrix([[tp, fn], [fp, tn]], ["positive", "negative"]));
        if (!probability.HasValue) return basic;
        double prior = n > 0 ? (tp + fn) / n : 0;
        double entropy = prior is 0 or 1 ? 0 : -prior * Math.Log(prior, 2) - (1 - prior) * Math.Log(1 - prior, 2);
        double logLoss = n > 0 ? logLossSum / n : 0;
        return new CalibratedBinaryClassificationMetrics(basic, logLoss, (entropy - logLoss) / entropy, entropy);
    }

    /// <summary>Probability that a random positive outscores a random negative, ties counting one half.</summary>
    private static double Auc(List<(bool Positive, float Score)> rows)
    {
        var sorted = rows.OrderBy(r => r.Score).ToArray();
        double positives = sorted.Count(r => r.Positive), negatives = sorted.Length - positives;
        if (positives == 0 || negatives == 0) return 0;
        double rankSum = 0;
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j < sorted.Length && sorted[j].Score == sorted[i].Score) j++;
            double averageRank = (i + 1 + j) / 2.0;
            for (int t = i; t < j; t++)
                if (sorted[t].Positive) rankSum += averageRank;
            i = j;
        }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    /// <summary>Average precision over thresholds at each distinct score, highest first.</summary>
    private static double AveragePrecision(List<(bool Positive, float Score)> rows)
    {
        double positives = rows.Count(r => r.Positive);
        if (positives == 0) return 0;
        var sorted = rows.OrderByDescending(r => r.Score).ToArray();
        double tp = 0, seen = 0, result = 0, lastRecall = 0;
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j < sorted.Length && sorted[j].Score == sorted[i].Score)
            {
                if (sorted[j].Positive) tp++;
                seen++;
                j++;
            }
            double recall = tp / positives;
            result += (recall - lastRecall) * (tp / seen);
            lastRecall = recall;
            i = j;
        }
        return result;
    }
}
