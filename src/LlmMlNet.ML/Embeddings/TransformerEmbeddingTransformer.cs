// The fitted feature-extraction step: a batched row-to-row mapping from a text column to a Vector<Single, hidden>
// embedding column, many rows per forward pass. Saves its model folder (config + safetensors + tokenizer files)
// and options. Also hands out an IEmbeddingGenerator over the same model. Not a trainer.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Embeddings;

/// <summary>
/// Computes a <c>Vector&lt;Single, hidden&gt;</c> embedding per row from a text column with a frozen transformer. Row-to-row (works in
/// PredictionEngine); cursors run <c>BatchSize</c> rows per forward pass. Save it with <see cref="PipelinePersistence"/>.
/// </summary>
public sealed class TransformerEmbeddingTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.TransformerEmbedding/1";

    private readonly TransformerEmbeddingEstimator.Options _options;
    private readonly TransformerEmbeddingEngine _engine;
    private readonly BatchedRowMapping<string, float[]> _mapping;

    internal TransformerEmbeddingTransformer(TransformerEmbeddingEngine engine, TransformerEmbeddingEstimator.Options options)
    {
        _engine = engine;
        _options = options;
        int size = engine.Dimensions;
        _mapping = new BatchedRowMapping<string, float[]>(
            schema => [SchemaChecks.Require(schema, options.InputColumnName!, ColumnExpectation.Scalar(TextDataViewType.Instance))],
            row => RowReaders.Text(row, options.InputColumnName!),
            texts => engine.Embed(texts),
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

    internal TransformerEmbeddingEngine Engine => _engine;

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

    /// <summary>Not supported: use <see cref="PipelinePersistence.Save"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UsePipelinePersistence(nameof(TransformerEmbeddingTransformer));

    /// <summary>Writes the model folder "model" (config.json, model.safetensors, tokenizer files) and the options (llmmlnet.json).</summary>
    public void SaveTo(string directory)
    {
        string model = Path.Combine(directory, SavedModelFolder.Model);
        _engine.Parameters.Save(model);
        _engine.Tokenizer.Save(model);
        ComponentSettings.Write(directory, _options);
    }

    internal static TransformerEmbeddingTransformer LoadFrom(MLContext mlContext, string directory)
    {
        var options = ComponentSettings.Read<TransformerEmbeddingEstimator.Options>(directory);
        string model = Path.Combine(directory, SavedModelFolder.Model);
        options.ModelPath = model;
        options.TokenizerPath = null;
        options = TransformerEmbeddingEstimator.Validate(options);
        var tokenizer = LocalModelPaths.LoadTokenizer(model, "saved tokenizer");
        var engine = new TransformerEmbeddingEngine(LocalModelPaths.RequireCheckpointFolder(model, "saved model"), tokenizer,
            options.Pooling, options.NormalizeEmbeddings, options.MaximumSequenceLength, options.BatchSize);
        return new TransformerEmbeddingTransformer(engine, options);
    }
}
