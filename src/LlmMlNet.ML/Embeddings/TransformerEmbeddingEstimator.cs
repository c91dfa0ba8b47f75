// The estimator of feature extraction: a text column to a Vector<Single, hidden> embedding column from a local
// Hugging Face checkpoint (pooled CLS / mean / pooler, optionally L2-normalised). Trivial: the encoder is frozen,
// Fit only loads it and checks the schema. Training a head on the embeddings is LlmLinearHeadTrainer's job.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Embeddings;

/// <summary>
/// Embeds a text column with a pre-trained transformer into a known-size <c>Vector&lt;Single&gt;</c> column that any downstream
/// trainer can consume. Created by <see cref="LlmTransformsCatalog.ExtractTransformerFeatures(TransformsCatalog.TextTransforms, TransformerEmbeddingEstimator.Options)"/>.
/// </summary>
public sealed class TransformerEmbeddingEstimator : IEstimator<TransformerEmbeddingTransformer>
{
    /// <summary>The default values of <see cref="Options"/>.</summary>
    public static class Defaults
    {
        /// <summary>The embedding column: "Features".</summary>
        public const string OutputColumnName = "Features";

        /// <summary>Pooling: <see cref="EmbeddingPooling.Mean"/>.</summary>
        public const EmbeddingPooling Pooling = EmbeddingPooling.Mean;

        /// <summary>Tokens per text (capped by the model's position table): <see cref="TaskModelOptions.Defaults.MaxLength"/> (128).</summary>
        public const int MaximumSequenceLength = TaskModelOptions.Defaults.MaxLength;

        /// <summary>Texts per forward pass: <see cref="TextEmbedder.DefaultBatchSize"/> (32).</summary>
        public const int BatchSize = TextEmbedder.DefaultBatchSize;
    }

    /// <summary>Options of feature extraction.</summary>
    public sealed class Options
    {
        /// <summary>A local Hugging Face checkpoint folder (config.json + model.safetensors); required, never downloaded.</summary>
        public string? ModelPath;

        /// <summary>A tokenizer.json or tokenizer folder; null (the default) uses the tokenizer files in <see cref="ModelPath"/>.</summary>
        public string? TokenizerPath;

        /// <summary>The embedding column. Default "Features".</summary>
        public string OutputColumnName = Defaults.OutputColumnName;

        /// <summary>The text column; null means the same name as <see cref="OutputColumnName"/>.</summary>
        public string? InputColumnName;

        /// <summary>How token states are pooled. Default <see cref="EmbeddingPooling.Mean"/>.</summary>
        public EmbeddingPooling Pooling = Defaults.Pooling;

        /// <summary>Whether each embedding is divided by its L2 norm (for cosine similarity). Default false.</summary>
        public bool NormalizeEmbeddings;

        /// <summary>Tokens per text, special tokens included; longer texts are truncated. Default 128.</summary>
        public int MaximumSequenceLength = Defaults.MaximumSequenceLength;

        /// <summary>Texts per forward pass in cursors. Default 32.</summary>
        public int BatchSize = Defaults.BatchSize;
    }

    private readonly Options _options;
    private readonly int _dimensions;

    /// <summary>Checks the options and paths (before any data is read).</summary>
    /// <exception cref="ArgumentException">A column name is empty or a size is not positive.</exception>
    /// <exception cref="DirectoryNotFoundException">The model folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json, the weights or the tokenizer are missing; the message names the file.</exception>
    public TransformerEmbeddingEstimator(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = Validate(options);
        LocalModelPaths.RequireCheckpointFolder(options.ModelPath, nameof(Options.ModelPath));
        LocalModelPaths.LoadTokenizer(options.TokenizerPath ?? options.ModelPath, nameof(Options.TokenizerPath));
        _dimensions = TransformerConfigReader.Read(Path.Combine(options.ModelPath!, CheckpointFolder.ConfigFileName)).HiddenSize;
    }

    internal static Options Validate(Options options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputColumnName, nameof(Options.OutputColumnName));
        if (options.MaximumSequenceLength < 2)
            throw new ArgumentOutOfRangeException(nameof(Options.MaximumSequenceLength), options.MaximumSequenceLength, "The maximum sequence length must be at least 2.");
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(Options.BatchSize), options.BatchSize, "The batch size must be at least 1.");
        return new Options
        {
            ModelPath = options.ModelPath,
            TokenizerPath = options.TokenizerPath,
            OutputColumnName = options.OutputColumnName,
            InputColumnName = options.InputColumnName ?? options.OutputColumnName,
            Pooling = options.Pooling,
            NormalizeEmbeddings = options.NormalizeEmbeddings,
            MaximumSequenceLength = options.MaximumSequenceLength,
            BatchSize = options.BatchSize,
        };
    }

    /// <summary>The input shape plus the embedding column (<c>Vector&lt;Single, hidden&gt;</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.Require(inputSchema, _options.InputColumnName!, ColumnExpectation.Scalar(TextDataViewType.Instance));
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single));
    }

    /// <summary>Checks the schema and loads the model (the encoder stays frozen: nothing is learned).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not String.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is malformed.</exception>
    public TransformerEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SchemaChecks.Require(input.Schema, _options.InputColumnName!, ColumnExpectation.Scalar(TextDataViewType.Instance));
        var embedder = LoadEmbedder(_options);
        if (embedder.Dimensions != _dimensions) throw new InvalidOperationException($"{_options.ModelPath} changed while fitting.");
        return new TransformerEmbeddingTransformer(embedder, _options);
    }

    /// <summary>The Tasks API's embedder for checked <paramref name="options"/> (local paths checked, errors naming the file).</summary>
    /// <exception cref="FileNotFoundException">The model or tokenizer files are missing.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is malformed, or lacks the pooler for pooler pooling.</exception>
    internal static TextEmbedder LoadEmbedder(Options options)
    {
        string folder = LocalModelPaths.RequireCheckpointFolder(options.ModelPath, nameof(Options.ModelPath));
        var tokenizer = LocalModelPaths.LoadTokenizer(options.TokenizerPath ?? folder, nameof(Options.TokenizerPath));
        return TextEmbedder.Load(folder, tokenizer, options.Pooling.ToMode(), options.NormalizeEmbeddings, options.MaximumSequenceLength, options.BatchSize);
    }
}
