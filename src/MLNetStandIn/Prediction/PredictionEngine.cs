// PredictionEngine: single-example prediction through ITransformer.GetRowToRowMapper. The input row's
// Position increases by one per Predict, so transformers can cache one computation per Position and serve
// several output columns from it. NOT thread-safe, as in ML.NET: use one engine per thread.
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>Base of prediction engines. NOT thread-safe: use one engine per thread.</summary>
public abstract class PredictionEngineBase<TSrc, TDst> : IDisposable where TSrc : class where TDst : class, new()
{
    private protected PredictionEngineBase(DataViewSchema outputSchema) => OutputSchema = outputSchema;

    /// <summary>The schema of the transformer's output rows.</summary>
    public DataViewSchema OutputSchema { get; }

    /// <summary>Predicts for <paramref name="example"/> into a new <typeparamref name="TDst"/>.</summary>
    public TDst Predict(TSrc example)
    {
        var prediction = new TDst();
        Predict(example, ref prediction);
        return prediction;
    }

    /// <summary>Predicts for <paramref name="example"/> into <paramref name="prediction"/>.</summary>
    public abstract void Predict(TSrc example, ref TDst prediction);

    /// <summary>Releases the engine's rows (and the transformer when the engine owns it).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    private protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>Predicts one example at a time with a fitted transformer. NOT thread-safe: use one engine per thread.</summary>
public sealed class PredictionEngine<TSrc, TDst> : PredictionEngineBase<TSrc, TDst> where TSrc : class where TDst : class, new()
{
    private readonly ObjectRow _inputRow;
    private readonly DataViewRow _outputRow;
    private readonly Action<object> _fill;
    private readonly ITransformer _transformer;
    private readonly bool _ownsTransformer;

    private PredictionEngine(ObjectRow inputRow, IRowToRowMapper mapper, SchemaDefinition outputDefinition, bool ignoreMissingColumns,
        ITransformer transformer, bool ownsTransformer) : base(mapper.OutputSchema)
    {
        _inputRow = inputRow;
        _outputRow = mapper.GetRow(inputRow, mapper.OutputSchema);
        _fill = PocoBinding.MakeFiller(_outputRow, outputDefinition, ignoreMissingColumns);
        _transformer = transformer;
        _ownsTransformer = ownsTransformer;
    }

    internal static PredictionEngine<TSrc, TDst> Create(ITransformer transformer, DataViewSchema? inputSchema, PredictionEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (!transformer.IsRowToRowMapper) throw new ArgumentOutOfRangeException(nameof(transformer), "Must be a row to row mapper");
        var inputDefinition = options.InputSchemaDefinition ?? SchemaDefinition.Create(typeof(TSrc), SchemaDefinition.Direction.Read);
        var outputDefinition = options.OutputSchemaDefinition ?? SchemaDefinition.Create(typeof(TDst), SchemaDefinition.Direction.Write);
        var inputRow = new ObjectRow(inputDefinition, PocoBinding.SchemaFor(inputDefinition, inputSchema));
        var mapper = transformer.GetRowToRowMapper(inputRow.Schema);
        return new PredictionEngine<TSrc, TDst>(inputRow, mapper, outputDefinition, options.IgnoreMissingColumns, transformer, options.OwnsTransformer);
    }

    /// <summary>Runs the transformer on <paramref name="example"/> and fills <paramref name="prediction"/>.</summary>
    public override void Predict(TSrc example, ref TDst prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        prediction ??= new TDst();
        _inputRow.SetObject(example);
        _fill(prediction);
    }

    private protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _outputRow.Dispose();
        if (_ownsTransformer) (_transformer as IDisposable)?.Dispose();
    }
}

/// <summary>Options for <see cref="ModelOperationsCatalog.CreatePredictionEngine{TSrc, TDst}(ITransformer, PredictionEngineOptions)"/>.</summary>
public sealed class PredictionEngineOptions
{
    /// <summary>Whether output members without a column are skipped (default true).</summary>
    public bool IgnoreMissingColumns = true;

    /// <summary>How TSrc maps to input columns (null: from its members).</summary>
    public SchemaDefinition? InputSchemaDefinition;

    /// <summary>How output columns map to TDst (null: from its members).</summary>
    public SchemaDefinition? OutputSchemaDefinition;

    /// <summary>Whether disposing the engine disposes the transformer (default true).</summary>
    public bool OwnsTransformer = true;
}
