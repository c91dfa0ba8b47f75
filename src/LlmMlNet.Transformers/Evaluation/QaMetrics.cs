// The extractive-QA metrics on the official scripts' 0-100 scale, overall and (for v2.0) split
// into answerable and unanswerable questions. A result record; QaEvaluator computes it.

namespace LlmMlNet.Transformers.Evaluation;

/// <summary>SQuAD metrics, percentages (0-100) like the official evaluation scripts.</summary>
/// <param name="Count">Questions scored.</param>
/// <param name="ExactMatch">Mean exact match × 100 (official <c>exact_match</c> / <c>exact</c>).</param>
/// <param name="F1">Mean token F1 × 100 (official <c>f1</c>).</param>
/// <param name="HasAnswerCount">Scored questions with gold answers (v2.0's <c>HasAns_total</c>).</param>
/// <param name="HasAnswerExactMatch">Exact match over them, or null when there are none.</param>
/// <param name="HasAnswerF1">F1 over them, or null when there are none.</param>
/// <param name="NoAnswerCount">Scored unanswerable questions (v2.0's <c>NoAns_total</c>).</param>
/// <param name="NoAnswerExactMatch">Exact match over them (the rate of empty predictions), or null when there are none.</param>
/// <param name="NoAnswerF1">F1 over them, or null when there are none.</param>
/// <param name="MissingPredictions">Questions without a prediction: scored 0 under v1.1, left out under v2.0 (as the scripts do).</param>
public sealed record QaMetrics(
    int Count, double ExactMatch, double F1,
    int HasAnswerCount, double? HasAnswerExactMatch, double? HasAnswerF1,
    int NoAnswerCount, double? NoAnswerExactMatch, double? NoAnswerF1,
    int MissingPredictions);
