// Decodes start/end logits of an example's windows into an answer, as Hugging Face's utils_qa.py
// postprocess_qa_predictions: the n best starts and ends of every window, spans with end ≥ start and at most
// max-answer-length tokens inside the context, scored start + end logit, mapped back through the offsets to
// the exact character span; SQuAD v2.0 answers "" when the minimum null score (CLS start + end) beats the best
// span by more than the threshold. Not the model run and not the metrics (Evaluation).
using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Settings of QA decoding (utils_qa.py's defaults).</summary>
public sealed record QaDecodingOptions
{
    /// <summary>Start and end candidates kept per window, and predictions ranked (n_best_size). Default 20.</summary>
    public int NBest { get; init; } = 20;

    /// <summary>Longest answer in tokens (max_answer_length). Default 30.</summary>
    public int MaxAnswerLength { get; init; } = 30;

    /// <summary>SQuAD v2.0 decoding: "" (no answer) is a candidate. Default false (v1.1).</summary>
    public bool AllowNoAnswer { get; init; }

    /// <summary>Answer "" when null score − best span score exceeds this (null_score_diff_threshold). Default 0.</summary>
    public float NullScoreDiffThreshold { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">NBest or MaxAnswerLength not positive.</exception>
    public QaDecodingOptions Validate()
    {
        if (NBest <= 0) throw new ArgumentException($"NBest must be positive, got {NBest}.", nameof(NBest));
        if (MaxAnswerLength <= 0) throw new ArgumentException($"MaxAnswerLength must be positive, got {MaxAnswerLength}.", nameof(MaxAnswerLength));
        return this;
    }
}

/// <summary>A decoded answer.</summary>
/// <param name="ExampleId">The example's id.</param>
/// <param name="Text">The answer: a substring of the context, or "" for no answer.</param>
/// <param name="Start">Character offset of the answer in the context (0 for "").</param>
/// <param name="Score">Start + end logit of the chosen span (the null score for "").</param>
/// <param name="Probability">Softmax of the chosen candidate's score over the n best candidates.</param>
/// <param name="NullScoreDiff">Null score minus the best span's score (v2.0; NaN for v1.1).</param>
public sealed record QaPrediction(string ExampleId, string Text, int Start, float Score, float Probability, float NullScoreDiff);

/// <summary>Window logits → answers.</summary>
public static class QaPostprocessor
{
    /// <summary>Decodes one example from the logits of its windows.</summary>
    /// <param name="example">The example (its context is cut).</param>
    /// <param name="windows">Its features with their start and end logits (each of the feature's length).</param>
    /// <param name="options">Settings; null uses the defaults.</param>
    /// <exception cref="ArgumentException">No windows, or logits whose length differs from the window's.</exception>
    public static QaPrediction Decode(QaExample example, IReadOnlyList<(QaFeature Feature, float[] StartLogits, float[] EndLogits)> windows,
        QaDecodingOptions? options = null)
    {
        var o = (options ?? new QaDecodingOptions()).Validate();
        var (scored, minNull) = Rank(example, windows, o);
        if (scored.Count == 0) scored.Add(("", 0, 0f));
        var probability = Probabilities(scored);
        var best = scored.Where(c => c.Text.Length > 0).OrderByDescending(c => c.Score).Cast<(string Text, int Start, float Score)?>().FirstOrDefault();
        if (!o.AllowNoAnswer)
        {
            var top = best ?? scored[0];
            return new QaPrediction(example.Id, top.Text, top.Start, top.Score, probability(top.Score), float.NaN);
        }
        if (best is not { } span) return new QaPrediction(example.Id, "", 0, minNull, probability(minNull), float.PositiveInfinity);
        float diff = minNull - span.Score;
        return diff > o.NullScoreDiffThreshold
            ? new QaPrediction(example.Id, "", 0, minNull, probability(minNull), diff)
            : new QaPrediction(example.Id, span.Text, span.Start, span.Score, probability(span.Score), diff);
    }

    /// <summary>
    /// The <paramref name="count"/> best answers of one example with distinct texts, best first (score, then earlier span): the
    /// n-best list <see cref="Decode"/> picks its answer from (with AllowNoAnswer, "" is ranked by the null score like a span).
    /// Empty when no span fits the context.
    /// </summary>
    /// <exception cref="ArgumentException">No windows, logits whose length differs from the window's, or a count below 1.</exception>
    public static IReadOnlyList<QaPrediction> DecodeTop(QaExample example, IReadOnlyList<(QaFeature Feature, float[] StartLogits, float[] EndLogits)> windows,
        int count, QaDecodingOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var o = (options ?? new QaDecodingOptions()).Validate();
        var (scored, minNull) = Rank(example, windows, o);
        if (scored.Count == 0) return [];
        var probability = Probabilities(scored);
        return scored.OrderByDescending(c => c.Score).ThenBy(c => c.Start).DistinctBy(c => c.Text).Take(count)
            .Select(c => new QaPrediction(example.Id, c.Text, c.Start, c.Score, probability(c.Score), o.AllowNoAnswer ? minNull - c.Score : float.NaN))
            .ToList();
    }

    // The n best spans over all windows (score descending, then earlier span, so equal scores decode the same way every run),
    // plus "" at the minimum null score when no-answer is allowed; and that minimum null score.
    private static (List<(string Text, int Start, float Score)> Scored, float MinNull) Rank(QaExample example,
        IReadOnlyList<(QaFeature Feature, float[] StartLogits, float[] EndLogits)> windows, QaDecodingOptions o)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count == 0) throw new ArgumentException($"QA example '{example.Id}' has no windows to decode.", nameof(windows));
        var candidates = new List<(int Start, int End, float Score)>();
        float minNull = float.PositiveInfinity;
        foreach (var (feature, startLogits, endLogits) in windows)
        {
            if (startLogits.Length != feature.Length || endLogits.Length != feature.Length)
                throw new ArgumentException($"QA example '{example.Id}': logits of length {startLogits.Length}/{endLogits.Length} for a window of {feature.Length} tokens.", nameof(windows));
            float nullScore = startLogits[feature.ClsIndex] + endLogits[feature.ClsIndex];
            if (nullScore < minNull) minNull = nullScore;
            var starts = TopIndices(startLogits, o.NBest);
            var ends = TopIndices(endLogits, o.NBest);
            foreach (int s in starts)
                foreach (int e in ends)
                {
                    if (feature.ContextOffsets[s] is not { } so || feature.ContextOffsets[e] is not { } eo) continue;
                    if (e < s || e - s + 1 > o.MaxAnswerLength) continue;
                    candidates.Add((so.Start, eo.End, startLogits[s] + endLogits[e]));
                }
        }
        var ranked = candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Start).ThenBy(c => c.End).Take(o.NBest);
        var scored = ranked.Select(c => (Text: example.Context[c.Start..c.End], c.Start, c.Score)).ToList();
        if (o.AllowNoAnswer) scored.Add(("", 0, minNull));
        return (scored, minNull);
    }

    // Softmax of a score over the candidates' scores.
    private static Func<float, float> Probabilities(List<(string Text, int Start, float Score)> scored)
    {
        float max = scored.Max(c => c.Score);
        double total = scored.Sum(c => Math.Exp(c.Score - max));
        return score => (float)(Math.Exp(score - max) / total);
    }

    /// <summary>Indices of the <paramref name="count"/> largest values, largest first (ties: lower index first).</summary>
    internal static int[] TopIndices(ReadOnlySpan<float> values, int count)
    {
        var order = Enumerable.Range(0, values.Length).ToArray();
        var keys = values.ToArray();
        return order.OrderByDescending(i => keys[i]).ThenBy(i => i).Take(count).ToArray();
    }
}
