// Per-question SQuAD scores exactly as the official scripts compute them: exact match and token
// F1 of normalized answers, maximized over the gold answers. Aggregation lives in QaEvaluator.

using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Transformers.Evaluation;

/// <summary>Exact match and token F1 of one prediction against gold answers (0 or 1 / 0 to 1 scale).</summary>
public static class SquadScoring
{
    /// <summary>1 when the normalized prediction equals the normalized gold answer, else 0.</summary>
    public static double ExactMatch(string prediction, string gold) =>
        SquadNormalizer.Normalize(prediction) == SquadNormalizer.Normalize(gold) ? 1 : 0;

    /// <summary>
    /// Token F1 over normalized tokens (multiset overlap). v2.0 (<c>compute_f1</c>): when either side has no
    /// tokens the score is 1 if both are empty, else 0. v1.1 (<c>f1_score</c>): no overlap scores 0, even when both are empty.
    /// </summary>
    public static double F1(string prediction, string gold, SquadVersion version = SquadVersion.V2_0)
    {
        var predicted = SquadNormalizer.NormalizedTokens(prediction);
        var expected = SquadNormalizer.NormalizedTokens(gold);
        if (version == SquadVersion.V2_0 && (predicted.Length == 0 || expected.Length == 0))
        {
            return predicted.Length == expected.Length ? 1 : 0;
        }
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in expected) remaining[token] = remaining.GetValueOrDefault(token) + 1;
        var same = 0;
        foreach (var token in predicted)
        {
            if (remaining.GetValueOrDefault(token) > 0)
            {
                remaining[token]--;
                same++;
            }
        }
        if (same == 0) return 0;
        var precision = (double)same / predicted.Length;
        var recall = (double)same / expected.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>
    /// The gold answers the official script compares against: v1.1 uses the answer texts as given; v2.0 drops
    /// answers that normalize to "" and uses [""] when none is left (an unanswerable question).
    /// </summary>
    public static IReadOnlyList<string> GoldAnswers(IEnumerable<string> answers, SquadVersion version)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (version == SquadVersion.V1_1) return answers.ToArray();
        var kept = answers.Where(a => SquadNormalizer.Normalize(a).Length > 0).ToArray();
        return kept.Length > 0 ? kept : [""];
    }

    /// <summary>Max of <see cref="ExactMatch"/> over <paramref name="golds"/> (already filtered by <see cref="GoldAnswers"/>).</summary>
    /// <exception cref="ArgumentException">No gold answers (v1.1 questions need at least one).</exception>
    public static double MaxExactMatch(string prediction, IReadOnlyList<string> golds)
    {
        ArgumentNullException.ThrowIfNull(golds);
        if (golds.Count == 0) throw new ArgumentException("A question needs at least one gold answer.", nameof(golds));
        return golds.Max(g => ExactMatch(prediction, g));
    }

    /// <summary>Max of <see cref="F1"/> over <paramref name="golds"/>.</summary>
    /// <exception cref="ArgumentException">No gold answers.</exception>
    public static double MaxF1(string prediction, IReadOnlyList<string> golds, SquadVersion version = SquadVersion.V2_0)
    {
        ArgumentNullException.ThrowIfNull(golds);
        if (golds.Count == 0) throw new ArgumentException("A question needs at least one gold answer.", nameof(golds));
        return golds.Max(g => F1(prediction, g, version));
    }
}
