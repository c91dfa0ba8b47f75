// Out-of-tree test doubles written the way a library outside ML.NET must: a spy estimator that logs calls,
// and a wrapping transformer that cannot save itself (like every out-of-tree transformer).
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetStandIn.Tests;

internal sealed class SpyEstimator<T>(string name, IEstimator<T> inner, List<string> log) : IEstimator<T> where T : ITransformer
{
    public T Fit(IDataView input)
    {
        log.Add("Fit " + name);
        return inner.Fit(input);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        log.Add("Schema " + name);
        return inner.GetOutputSchema(inputSchema);
    }
}

/// <summary>Delegates to an inner transformer, records the input rows its mapper sees, and saves nothing.</summary>
internal sealed class OutOfTreeTransformer(ITransformer inner, bool rowToRow = true) : ITransformer
{
    public List<DataViewRow> MappedInputs { get; } = [];

    public bool IsRowToRowMapper => rowToRow;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inner.GetOutputSchema(inputSchema);

    public IDataView Transform(IDataView input) => inner.Transform(input);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new RecordingMapper(inner.GetRowToRowMapper(inputSchema), MappedInputs);

    public void Save(ModelSaveContext ctx)
    {
    }

    private sealed class RecordingMapper(IRowToRowMapper mapper, List<DataViewRow> inputs) : IRowToRowMapper
    {
        public DataViewSchema InputSchema => mapper.InputSchema;

        public DataViewSchema OutputSchema => mapper.OutputSchema;

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
            mapper.GetDependencies(dependingColumns);

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            inputs.Add(input);
            return mapper.GetRow(input, activeColumns);
        }
    }
}
