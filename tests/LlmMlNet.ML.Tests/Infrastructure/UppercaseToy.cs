// A toy estimator/transformer built only on the Infrastructure pieces, as our real components will be:
// upper-cases a text column in batches, producing "Upper" (text) and "Length" (Single) from one batch result.
// It counts batch calls and rows so tests can see batching and per-Position caching.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Tests.Infrastructure;

internal sealed class UppercaseEstimator(string inputColumnName, int batchSize, string suffix = "") : IEstimator<UppercaseTransformer>
{
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.Require(inputSchema, inputColumnName, ColumnExpectation.Scalar(TextDataViewType.Instance));
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Column("Upper", SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance),
            SchemaShapes.Column("Length", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single));
    }

    public UppercaseTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SchemaChecks.Require(input.Schema, inputColumnName, ColumnExpectation.Scalar(TextDataViewType.Instance));
        return new UppercaseTransformer(inputColumnName, batchSize, suffix);
    }
}

internal sealed class UppercaseTransformer : ILlmPersistableTransformer
{
    public const string KindName = "LlmMlNet.Tests.Uppercase/1";
    private readonly BatchedRowMapping<string, string> _mapping;

    public UppercaseTransformer(string inputColumnName, int batchSize, string suffix)
    {
        InputColumnName = inputColumnName;
        BatchSizeUsed = batchSize;
        Suffix = suffix;
        _mapping = new BatchedRowMapping<string, string>(
            schema => [SchemaChecks.Require(schema, inputColumnName, ColumnExpectation.Scalar(TextDataViewType.Instance))],
            row =>
            {
                var getter = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[inputColumnName]);
                return () =>
                {
                    ReadOnlyMemory<char> text = default;
                    getter(ref text);
                    return text.ToString();
                };
            },
            Batch,
            [
                BatchOutputColumn<string>.Create("Upper", TextDataViewType.Instance,
                    (string result, ref ReadOnlyMemory<char> dst) => dst = result.AsMemory()),
                BatchOutputColumn<string>.Create("Length", NumberDataViewType.Single,
                    (string result, ref float dst) => dst = result.Length),
            ],
            batchSize);
    }

    public string InputColumnName { get; }

    public int BatchSizeUsed { get; }

    public string Suffix { get; }

    public List<int> BatchSizes { get; } = [];

    public string Kind => KindName;

    public bool IsRowToRowMapper => true;

    private string[] Batch(IReadOnlyList<string> texts)
    {
        lock (BatchSizes) BatchSizes.Add(texts.Count);
        return texts.Select(t => t.ToUpperInvariant() + Suffix).ToArray();
    }

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    public void Save(ModelSaveContext ctx) => throw new NotSupportedException("Use mlContext.Model.SaveWithLlm to save LlmMlNet transformers.");

    public void SaveTo(string directory) =>
        File.WriteAllLines(Path.Combine(directory, "config.txt"), [InputColumnName, BatchSizeUsed.ToString(System.Globalization.CultureInfo.InvariantCulture), Suffix]);

    public static ITransformer LoadFrom(string directory)
    {
        var lines = File.ReadAllLines(Path.Combine(directory, "config.txt"));
        return new UppercaseTransformer(lines[0], int.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture), lines[2]);
    }
}
