// The fitted tokenization step: a batched row-to-row mapping from text columns to fixed-length token-id, mask and
// type-id vectors. Saves its tokenizer files and options into its folder for mlContext.Model.SaveWithLlm. Not a model.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Tokenizers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Text;

/// <summary>
/// Produces token-id, attention-mask and (optionally) token-type-id columns of length <c>MaximumSequenceLength</c> from a
/// text column (and an optional pair column). Row-to-row (works in PredictionEngine); cursors tokenize in batches.
/// Save it with <c>mlContext.Model.SaveWithLlm</c>.
/// </summary>
public sealed class TransformerTokenizingTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.TransformerTokenizing/1";
    private const string TokenizerFolder = "tokenizer";

    private readonly TransformerTokenizingEstimator.Options _options;
    private readonly TokenEncoder _encoder;
    private readonly BatchedRowMapping<(string, string?), TokenRow> _mapping;

    internal TransformerTokenizingTransformer(Tokenizer tokenizer, TransformerTokenizingEstimator.Options options)
    {
        _options = options;
        _encoder = new TokenEncoder(tokenizer, options.MaximumSequenceLength, options.AddSpecialTokens);
        _mapping = new BatchedRowMapping<(string, string?), TokenRow>(BindInputs, MakeReader, rows => _encoder.Encode(rows), Outputs(), options.BatchSize);
    }

    /// <summary>The tokenizer used.</summary>
    public Tokenizer Tokenizer => _encoder.Tokenizer;

    /// <summary>Tokens per row.</summary>
    public int MaximumSequenceLength => _options.MaximumSequenceLength;

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <summary>Always true: the transformer maps rows independently.</summary>
    public bool IsRowToRowMapper => true;

    internal static IEnumerable<string> OutputNames(TransformerTokenizingEstimator.Options options)
    {
        yield return options.OutputColumnName;
        yield return options.AttentionMaskColumnName;
        if (options.TokenTypeIdsColumnName != null) yield return options.TokenTypeIdsColumnName;
    }

    private IReadOnlyList<DataViewSchema.Column> BindInputs(DataViewSchema schema)
    {
        var text = ColumnExpectation.Scalar(TextDataViewType.Instance);
        var columns = new List<DataViewSchema.Column> { SchemaChecks.Require(schema, _options.InputColumnName!, text) };
        if (_options.SecondInputColumnName != null) columns.Add(SchemaChecks.Require(schema, _options.SecondInputColumnName, text));
        return columns;
    }

    private Func<(string, string?)> MakeReader(DataViewRow row)
    {
        var first = RowReaders.Text(row, _options.InputColumnName!);
        var second = _options.SecondInputColumnName == null ? null : RowReaders.Text(row, _options.SecondInputColumnName);
        return () => (first(), second?.Invoke());
    }

    private List<BatchOutputColumn<TokenRow>> Outputs()
    {
        int length = _options.MaximumSequenceLength;
        int pad = _encoder.PadId;
        var outputs = new List<BatchOutputColumn<TokenRow>>
        {
            Column(_options.OutputColumnName, row => row.Ids, pad),
            Column(_options.AttentionMaskColumnName, row => Enumerable.Repeat(1, row.Ids.Length).ToArray(), 0),
        };
        if (_options.TokenTypeIdsColumnName != null) outputs.Add(Column(_options.TokenTypeIdsColumnName, row => row.TypeIds, 0));
        return outputs;

        BatchOutputColumn<TokenRow> Column(string name, Func<TokenRow, int[]> select, int fill)
        {
            if (_options.OutputType == TokenColumnType.Int32)
                return BatchOutputColumn<TokenRow>.Create(name, new VectorDataViewType(NumberDataViewType.Int32, length),
                    (TokenRow row, ref VBuffer<int> dst) => Write(select(row), fill, length, ref dst));
            if (_options.OutputType == TokenColumnType.Int64)
                return BatchOutputColumn<TokenRow>.Create(name, new VectorDataViewType(NumberDataViewType.Int64, length),
                    (TokenRow row, ref VBuffer<long> dst) => WriteInt64(select(row), fill, length, ref dst));
            return BatchOutputColumn<TokenRow>.Create(name, new VectorDataViewType(NumberDataViewType.Single, length),
                (TokenRow row, ref VBuffer<float> dst) => WriteSingle(select(row), fill, length, ref dst));
        }
    }

    private static void Write(int[] values, int fill, int length, ref VBuffer<int> dst)
    {
        var editor = VBufferEditor.Create(ref dst, length);
        int n = Math.Min(values.Length, length);
        values.AsSpan(0, n).CopyTo(editor.Values);
        editor.Values[n..].Fill(fill);
        dst = editor.Commit();
    }

    private static void WriteInt64(int[] values, int fill, int length, ref VBuffer<long> dst)
    {
        var editor = VBufferEditor.Create(ref dst, length);
        int n = Math.Min(values.Length, length);
        for (int i = 0; i < n; i++) editor.Values[i] = values[i];
        editor.Values[n..].Fill(fill);
        dst = editor.Commit();
    }

    private static void WriteSingle(int[] values, int fill, int length, ref VBuffer<float> dst)
    {
        var editor = VBufferEditor.Create(ref dst, length);
        int n = Math.Min(values.Length, length);
        for (int i = 0; i < n; i++) editor.Values[i] = values[i];
        editor.Values[n..].Fill(fill);
        dst = editor.Commit();
    }

    /// <summary>The input schema plus the token columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or not String.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    /// <summary>A lazy view whose token columns are computed batch by batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or not String.</exception>
    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    /// <summary>A single-row mapper (PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <summary>Not supported: ML.NET cannot save out-of-tree transformers; use <c>mlContext.Model.SaveWithLlm</c>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UseSaveWithLlm(ctx, nameof(TransformerTokenizingTransformer));

    /// <summary>Writes the tokenizer files (folder "tokenizer") and the options (llmmlnet.json).</summary>
    public void SaveTo(string directory)
    {
        Tokenizer.Save(Path.Combine(directory, TokenizerFolder));
        ComponentSettings.Write(directory, _options);
    }

    internal static TransformerTokenizingTransformer LoadFrom(string directory)
    {
        var options = ComponentSettings.Read<TransformerTokenizingEstimator.Options>(directory);
        var tokenizer = LocalModelPaths.LoadTokenizer(Path.Combine(directory, TokenizerFolder), "saved tokenizer");
        options.TokenizerPath = null;
        return new TransformerTokenizingTransformer(tokenizer, TransformerTokenizingEstimator.Validate(options));
    }
}
