// The fitted feature-extraction step: a batched row-to-row mapping from a text column to a Vector<Single, hidden>
// embedding column, many rows per forward pass. Saves its model folder (config + safetensors + tokenizer files)
// and options. Also hands out an IEmbeddingGenerator over the same model. Not a trainer.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Embeddings;

/// <summary>
/// Computes a <c>Vector&lt;Single, hidden&gt;</c> embedding per row from a text column with a frozen transformer. Row-to-row (works in
/// PredictionEngine); cursors run <c>BatchSize</c> rows per forward pass. Save it with <c>mlContext.Model.SaveWithLlm</c>.
/// </summary>
public sealed class TransformerEmbeddingTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.TransformerEmbedding/1";

    private readonly TransformerEmbeddingEstimator.Options _options;
    private readonly TextEmbedder _engine;
    private readonly BatchedRowMapping<string, float[]> _mapping;
    private int _batches;

    internal TransformerEmbeddingTransformer(TextEmbedder engine, TransformerEmbeddingEstimator.Options options)
    {
        _engine = engine;
        _options = options;
        int size = engine.Dimensions;
        _mapping = new BatchedRowMapping<string, float[]>(
            schema => [SchemaChecks.Require(schema, options.InputColumnName!, ColumnExpectation.Scalar(TextDataViewType.Instance))],
            row => RowReaders.Text(row, options.InputColumnName!),
            texts =>
            {
                Interlocked.Add(ref _batches, (texts.Count + engine.BatchSize - 1) / engine.BatchSize);
                return engine.Embed(texts);
            },
            [
                BatchOutputColumn<float[]>.Create(options.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, size),
                    (float[] embedding, ref VBuffer<float> dst) =>
                    {
                        var editor = VBufferEditor.Create(ref dst, embedding.Length);
                        embedding.CopyTo(editor.Values);
                        dst = editor.Commit();
                    }),
            ],
            options.BatchSize);
    }

    /// <summary>The embedding size (the model's hidden size).</summary>
    public int Dimensions => _engine.Dimensions;

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <summary>Always true.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The Tasks API's embedder doing the work.</summary>
    public TextEmbedder Embedder => _engine;

    /// <summary>Forward passes asked of the embedder so far (one per BatchSize texts): a test hook of the batching.</summary>
    internal int Batches => Volatile.Read(ref _batches);

    /// <summary>An <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/> over this transformer's model, for .NET AI apps.</summary>
    public TransformerEmbeddingGenerator AsEmbeddingGenerator() => new(_engine, _options.ModelPath);

    /// <summary>The input schema plus the embedding column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not String.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    /// <summary>A lazy view whose embeddings are computed batch by batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not String.</exception>
    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    /// <summary>A single-row mapper (PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <summary>Not supported: use <c>mlContext.Model.SaveWithLlm</c>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UseSaveWithLlm(ctx, nameof(TransformerEmbeddingTransformer));

    /// <summary>Writes the model folder "model" (config.json, model.safetensors, tokenizer files) and the options (llmmlnet.json).</summary>
    public void SaveTo(string directory)
    {
        _engine.Save(Path.Combine(directory, SavedModelFolder.Model));
        ComponentSettings.Write(directory, _options);
    }

    internal static TransformerEmbeddingTransformer LoadFrom(string directory)
    {
        var options = ComponentSettings.Read<TransformerEmbeddingEstimator.Options>(directory);
        string model = Path.Combine(directory, SavedModelFolder.Model);
        options.ModelPath = model;
        options.TokenizerPath = null;
        options = TransformerEmbeddingEstimator.Validate(options);
        return new TransformerEmbeddingTransformer(TransformerEmbeddingEstimator.LoadEmbedder(options), options);
    }
}
