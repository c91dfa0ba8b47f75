// The reusable core of our transformers: maps input rows to output columns by calling a batch function once per
// batch of rows, lazily, in cursors; and row by row (caching per Position) for PredictionEngine. A transformer
// owns one and forwards ITransformer's members to it (composition: ML.NET's base classes are not usable outside).
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

/// <summary>
/// Computes output columns from input columns in batches: <c>readerFactory</c> makes, for a row, a function that reads the
/// current row into a <typeparamref name="TIn"/>; <c>batchFunction</c> maps a list of inputs to one result per input; each
/// <see cref="BatchOutputColumn{TOut}"/> serves one column from a row's result. Output columns are appended after the input
/// columns (a same-named input column becomes hidden). The batch function may be called from several cursors at once.
/// </summary>
internal sealed class BatchedRowMapping<TIn, TOut>
{
    private readonly Func<DataViewSchema, IReadOnlyList<DataViewSchema.Column>> _bindInputs;
    private readonly Func<DataViewRow, Func<TIn>> _readerFactory;
    private readonly Func<IReadOnlyList<TIn>, TOut[]> _batchFunction;

    /// <param name="bindInputs">Finds and checks the input columns in a schema (throwing ML.NET's schema errors).</param>
    /// <param name="readerFactory">Makes a reader of the current row's input; called once per row object or cursor.</param>
    /// <param name="batchFunction">Maps inputs to exactly one result each.</param>
    /// <param name="outputs">The output columns.</param>
    /// <param name="batchSize">Rows per batch in cursors (at least 1).</param>
    public BatchedRowMapping(Func<DataViewSchema, IReadOnlyList<DataViewSchema.Column>> bindInputs, Func<DataViewRow, Func<TIn>> readerFactory,
        Func<IReadOnlyList<TIn>, TOut[]> batchFunction, IReadOnlyList<BatchOutputColumn<TOut>> outputs, int batchSize)
    {
        _bindInputs = bindInputs ?? throw new ArgumentNullException(nameof(bindInputs));
        _readerFactory = readerFactory ?? throw new ArgumentNullException(nameof(readerFactory));
        _batchFunction = batchFunction ?? throw new ArgumentNullException(nameof(batchFunction));
        Outputs = outputs ?? throw new ArgumentNullException(nameof(outputs));
        if (outputs.Count == 0) throw new ArgumentException("At least one output column is needed.", nameof(outputs));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        BatchSize = batchSize;
    }

    public IReadOnlyList<BatchOutputColumn<TOut>> Outputs { get; }

    public int BatchSize { get; }

    /// <summary>The input schema plus the output columns; checks the inputs first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or has the wrong type.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>A lazy view: input columns pass through, output columns are computed batch by batch as cursors move.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or has the wrong type.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchedDataView<TIn, TOut>(input, this, Bind(input.Schema));
    }

    /// <summary>A single-row mapper that computes once per input Position and serves every output column from that result.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new BatchedRowMapper<TIn, TOut>(this, Bind(inputSchema));

    internal BoundSchema Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var inputs = _bindInputs(inputSchema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumns(Outputs.Select(o => o.Column));
        return new BoundSchema(inputSchema, builder.ToSchema(), inputs);
    }

    internal Func<TIn> MakeReader(DataViewRow row) => _readerFactory(row);

    internal TOut[] Run(IReadOnlyList<TIn> inputs)
    {
        var results = _batchFunction(inputs);
        if (results == null || results.Length != inputs.Count)
            throw new InvalidOperationException($"The batch function returned {results?.Length ?? 0} results for {inputs.Count} rows.");
        return results;
    }

    /// <summary>A mapping bound to one input schema: which output index is an input pass-through, which a computed column.</summary>
    internal sealed record BoundSchema(DataViewSchema InputSchema, DataViewSchema OutputSchema, IReadOnlyList<DataViewSchema.Column> Inputs)
    {
        public int OutputIndex(int schemaIndex) => schemaIndex - InputSchema.Count;

        public bool IsComputed(DataViewSchema.Column column) => column.Index >= InputSchema.Count;

        public DataViewSchema.Column CheckOwn(DataViewSchema.Column column)
        {
            if (column.Index < 0 || column.Index >= OutputSchema.Count || OutputSchema[column.Index].Name != column.Name)
                throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not in this schema.");
            return OutputSchema[column.Index];
        }

        public static void CheckType<TValue>(DataViewSchema.Column column)
        {
            if (column.Type.RawType != typeof(TValue))
                throw new InvalidOperationException($"Invalid TValue in GetGetter: '{typeof(TValue)}', expected type: '{column.Type.RawType}'.");
        }
    }
}
