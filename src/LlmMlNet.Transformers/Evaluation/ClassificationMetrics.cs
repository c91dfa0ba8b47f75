// The classification metrics the CLI, the trainer's evaluation step and the ML.NET evaluator
// report. A plain result record: computing them is ClassificationEvaluator's job.

namespace LlmMlNet.Transformers.Evaluation;

/// <summary>Metrics of a classifier over a set of examples (all on the 0-1 scale).</summary>
/// <param name="Count">Number of examples.</param>
/// <param name="Accuracy">Fraction whose arg-max prediction is the gold class.</param>
/// <param name="MacroF1">Unweighted mean of per-class F1 over the classes that occur as gold or as prediction (scikit-learn's <c>f1_score(average="macro")</c>).</param>
/// <param name="Auc">Binary tasks only: ROC AUC of the class-1 probability (rank-based, ties get average ranks);
/// null for more than two classes or when only one class occurs among the gold labels.</param>
/// <param name="LogLoss">Mean of <c>-ln(max(p[gold], 1e-15))</c> (natural log).</param>
/// <param name="ConfusionMatrix">Counts of (gold, predicted) pairs.</param>
public sealed record ClassificationMetrics(
    int Count, double Accuracy, double MacroF1, double? Auc, double LogLoss, ConfusionMatrix ConfusionMatrix);
