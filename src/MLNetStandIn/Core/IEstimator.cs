// The learning contracts of Microsoft.ML.Core: estimators, transformers, row-to-row mappers, loaders.
// Contracts only; the same signatures as the real package.
namespace Microsoft.ML
{
    /// <summary>Something that can be saved into an ML.NET model file.</summary>
    public interface ICanSaveModel
    {
        /// <summary>Writes the object into <paramref name="ctx"/>.</summary>
        void Save(ModelSaveContext ctx);
    }

    /// <summary>A fitted transformation from one data view to another.</summary>
    public interface ITransformer : ICanSaveModel
    {
        /// <summary>The schema <see cref="Transform"/> produces for <paramref name="inputSchema"/>.</summary>
        DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

        /// <summary>The transformed view of <paramref name="input"/> (lazy).</summary>
        IDataView Transform(IDataView input);

        /// <summary>Whether <see cref="GetRowToRowMapper"/> is supported.</summary>
        bool IsRowToRowMapper { get; }

        /// <summary>A mapper that transforms single rows of <paramref name="inputSchema"/>.</summary>
        Data.IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema);
    }

    /// <summary>Learns a transformer from data.</summary>
    public interface IEstimator<out TTransformer> where TTransformer : ITransformer
    {
        /// <summary>Trains on <paramref name="input"/>.</summary>
        TTransformer Fit(IDataView input);

        /// <summary>The output schema shape for <paramref name="inputSchema"/>, checked without touching data.</summary>
        SchemaShape GetOutputSchema(SchemaShape inputSchema);
    }

    /// <summary>Loads a data view from a source.</summary>
    public interface IDataLoader<in TSource> : ICanSaveModel
    {
        /// <summary>The data view over <paramref name="input"/>.</summary>
        IDataView Load(TSource input);

        /// <summary>The schema of loaded views.</summary>
        DataViewSchema GetOutputSchema();
    }
}

namespace Microsoft.ML.Data
{
    /// <summary>Maps single rows of <see cref="InputSchema"/> to rows of <see cref="OutputSchema"/>.</summary>
    public interface IRowToRowMapper
    {
        /// <summary>The schema of input rows.</summary>
        DataViewSchema InputSchema { get; }

        /// <summary>The schema of output rows.</summary>
        DataViewSchema OutputSchema { get; }

        /// <summary>The input columns needed to compute <paramref name="dependingColumns"/> of the output.</summary>
        IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns);

        /// <summary>An output row over <paramref name="input"/> with <paramref name="activeColumns"/> readable.</summary>
        DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns);
    }
}
