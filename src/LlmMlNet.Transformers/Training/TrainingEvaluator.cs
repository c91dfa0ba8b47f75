// The hook through which the Trainer evaluates: any function returning named metrics, plus the
// generic loss evaluation (target-weighted mean loss and perplexity) every ITrainableModel gets.
// Not task metrics such as accuracy or SQuAD F1: the task code supplies those through the delegate.
namespace LlmMlNet.Transformers.Training;

/// <summary>Computes validation metrics (e.g. "eval_loss", "accuracy") on the current weights.</summary>
public delegate IReadOnlyDictionary<string, double> TrainingEvaluator(CancellationToken cancellationToken);

/// <summary>Loss-based evaluation of any trainable model.</summary>
public static class LossEvaluation
{
    /// <summary>Name of the mean validation loss.</summary>
    public const string LossMetric = "eval_loss";

    /// <summary>Name of exp(eval_loss).</summary>
    public const string PerplexityMetric = "perplexity";

    /// <summary>
    /// Runs <paramref name="model"/> in evaluation mode over <paramref name="batches"/> and returns the
    /// mean loss weighted by each batch's target count (the per-token mean for language models) and its
    /// perplexity. Gradients are not touched.
    /// </summary>
    /// <exception cref="ArgumentException">No batch had a target.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between batches.</exception>
    public static IReadOnlyDictionary<string, double> Evaluate<TBatch>(ITrainableModel<TBatch> model, IEnumerable<TBatch> batches,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        double total = 0;
        long targets = 0;
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var loss = model.Forward(batch, ForwardContext.Evaluation());
            total += (double)loss.Loss * loss.Targets;
            targets += loss.Targets;
        }
        if (targets == 0) throw new ArgumentException("The evaluation batches contain no targets.", nameof(batches));
        double mean = total / targets;
        return new Dictionary<string, double> { [LossMetric] = mean, [PerplexityMetric] = Math.Exp(mean) };
    }

    /// <summary>An evaluator over a re-enumerable set of validation batches.</summary>
    public static TrainingEvaluator For<TBatch>(ITrainableModel<TBatch> model, IEnumerable<TBatch> batches)
        => token => Evaluate(model, batches, token);
}
