// LearningPipelineExtensions: the Append extension methods that start chains from a single estimator or
// transformer, as in Microsoft.ML. Loader and cache-checkpoint overloads are not provided.
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>Extension methods that build estimator and transformer chains.</summary>
public static class LearningPipelineExtensions
{
    /// <summary>A chain of <paramref name="start"/> followed by <paramref name="estimator"/>.</summary>
    public static EstimatorChain<TTrans> Append<TTrans>(this IEstimator<ITransformer> start, IEstimator<TTrans> estimator,
        TransformerScope scope = TransformerScope.Everything) where TTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        return new EstimatorChain<ITransformer>().Append(start).Append(estimator, scope);
    }

    /// <summary>A chain of <paramref name="start"/> followed by <paramref name="transformer"/>.</summary>
    public static TransformerChain<TTrans> Append<TTrans>(this ITransformer start, TTrans transformer) where TTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        return new TransformerChain<TTrans>(start, transformer ?? throw new ArgumentNullException(nameof(transformer)));
    }
}
