// The bijection between label strings as written in data files and class indices 0..K-1.
// Built once from training data and saved with a model; it does not read files itself.

using System.Globalization;

namespace LlmMlNet.Transformers.Data;

/// <summary>
/// Maps label strings ("negative", "positive", or "0", "1") to class indices and back. Built with
/// <see cref="FromLabels"/>, the order is deterministic: when every label is an integer, numeric
/// ascending ("0","1","2" → 0,1,2; "-1","0","1" → 0,1,2); otherwise ordinal string order
/// ("negative","neutral","positive" → 0,1,2). For binary tasks the positive class of AUC is index 1.
/// </summary>
public sealed class LabelMap
{
    private readonly string[] labels;
    private readonly Dictionary<string, int> indices;

    /// <summary>Creates a map whose index order is the order of <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than one label, an empty label, or a duplicate.</exception>
    public LabelMap(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        this.labels = labels.ToArray();
        if (this.labels.Length == 0) throw new ArgumentException("A label map needs at least one label.", nameof(labels));
        indices = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < this.labels.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(this.labels[i])) throw new ArgumentException($"Label {i} is empty.", nameof(labels));
            if (!indices.TryAdd(this.labels[i], i)) throw new ArgumentException($"Label '{this.labels[i]}' appears twice.", nameof(labels));
        }
    }

    /// <summary>Collects the distinct non-null labels (trimmed) and orders them as described on the class.</summary>
    /// <exception cref="ArgumentException">No labels at all.</exception>
    public static LabelMap FromLabels(IEnumerable<string?> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var distinct = labels.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l!.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0) throw new ArgumentException("No labels found: the data has no labeled rows.", nameof(labels));
        if (distinct.All(l => long.TryParse(l, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            distinct.Sort((a, b) => long.Parse(a, CultureInfo.InvariantCulture).CompareTo(long.Parse(b, CultureInfo.InvariantCulture)));
        }
        else
        {
            distinct.Sort(StringComparer.Ordinal);
        }
        return new LabelMap(distinct);
    }

    /// <summary>Collects the labels of <paramref name="examples"/> (one pass) with <see cref="FromLabels"/>.</summary>
    public static LabelMap FromExamples(IEnumerable<TextClassificationExample> examples) =>
        FromLabels(examples.Select(e => e.Label));

    /// <summary>Number of classes.</summary>
    public int Count => labels.Length;

    /// <summary>The labels in index order.</summary>
    public IReadOnlyList<string> Labels => labels;

    /// <summary>The label of class <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not in [0, Count).</exception>
    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, labels.Length);
            return labels[index];
        }
    }

    /// <summary>The index of <paramref name="label"/> (trimmed), or false when it is unknown.</summary>
    public bool TryGetIndex(string label, out int index) => indices.TryGetValue(label.Trim(), out index);

    /// <summary>The index of <paramref name="label"/> (trimmed).</summary>
    /// <exception cref="KeyNotFoundException">The label is not in the map; the message lists the known labels.</exception>
    public int IndexOf(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (TryGetIndex(label, out var index)) return index;
        throw new KeyNotFoundException($"Unknown label '{label}'; the model knows [{string.Join(", ", labels)}].");
    }
}
