// EstimatorChain: an immutable sequence of estimators. Fit first propagates GetOutputSchema through every
// estimator (as real ML.NET does, so schema bugs surface before any training), then fits each estimator on
// the previous transformer's output. No cache checkpoints.
namespace Microsoft.ML.Data;

/// <summary>A chain of estimators whose Fit produces a <see cref="TransformerChain{TLastTransformer}"/>.</summary>
public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>
    where TLastTransformer : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] _estimators;
    private readonly TransformerScope[] _scopes;

    /// <summary>The last estimator, or null for an empty chain.</summary>
    public readonly IEstimator<TLastTransformer> LastEstimator;

    /// <summary>An empty chain.</summary>
    public EstimatorChain()
    {
        _estimators = [];
        _scopes = [];
        LastEstimator = null!;
    }

    private EstimatorChain(IEstimator<ITransformer>[] estimators, TransformerScope[] scopes)
    {
        _estimators = estimators;
        _scopes = scopes;
        LastEstimator = (estimators.Length == 0 ? null : estimators[^1] as IEstimator<TLastTransformer>)!;
    }

    /// <summary>
    /// Checks the whole chain with GetOutputSchema on the input's schema shape, then fits each estimator in turn on
    /// the data transformed by the transformers fitted before it.
    /// </summary>
    public TransformerChain<TLastTransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema));
        var current = input;
        var transformers = new ITransformer[_estimators.Length];
        for (int i = 0; i < _estimators.Length; i++)
        {
            transformers[i] = _estimators[i].Fit(current);
            if (i < _estimators.Length - 1) current = transformers[i].Transform(current);
        }
        return new TransformerChain<TLastTransformer>(transformers, _scopes);
    }

    /// <summary>The shape after every estimator of the chain.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var shape = inputSchema;
        foreach (var estimator in _estimators) shape = estimator.GetOutputSchema(shape);
        return shape;
    }

    /// <summary>A new chain with <paramref name="estimator"/> appended.</summary>
    public EstimatorChain<TNewTrans> Append<TNewTrans>(IEstimator<TNewTrans> estimator, TransformerScope scope = TransformerScope.Everything)
        where TNewTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return new EstimatorChain<TNewTrans>([.. _estimators, (IEstimator<ITransformer>)estimator], [.. _scopes, scope]);
    }
}

/// <summary>Where a transformer of a chain applies.</summary>
[Flags]
public enum TransformerScope
{
    /// <summary>Nowhere.</summary>
    None = 0,
    /// <summary>While training.</summary>
    Training = 1 << 0,
    /// <summary>While testing.</summary>
    Testing = 1 << 1,
    /// <summary>While scoring.</summary>
    Scoring = 1 << 2,
    /// <summary>Training and testing.</summary>
    TrainTest = Training | Testing,
    /// <summary>Everywhere.</summary>
    Everything = Training | Testing | Scoring,
}
