// The estimator of the tokenization step: text (and an optional second text) to fixed-length token-id, attention-mask
// and token-type vectors, the inputs a transformer model takes, from a local Hugging Face tokenizer. Trivial: Fit
// learns nothing, it only checks the input schema. Not a model: no forward pass happens here.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Tokenizers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Text;

/// <summary>The element type of the token columns: Int32 (what most consumers want) or Single (for float-only consumers such as ONNX float models or concatenation with features).</summary>
public enum TokenColumnType
{
    /// <summary>Vector&lt;Int32&gt;.</summary>
    Int32,

    /// <summary>Vector&lt;Single&gt;: the same integers as floats.</summary>
    Single,

    /// <summary>Vector&lt;Int64&gt;: what ONNX exports of Hugging Face models take (input_ids, attention_mask, token_type_ids), e.g. for ApplyOnnxModel.</summary>
    Int64,
}

/// <summary>
/// Tokenizes a text column for a transformer model: produces <c>Vector&lt;Int32, MaxSequenceLength&gt;</c> (or Single) columns of
/// token ids, attention mask (1 = real token, 0 = padding) and optionally token-type ids, truncated and right-padded to
/// <see cref="Options.MaximumSequenceLength"/>. Created by <see cref="LlmTransformsCatalog.TokenizeForTransformer(TransformsCatalog.TextTransforms, TransformerTokenizingEstimator.Options)"/>.
/// </summary>
public sealed class TransformerTokenizingEstimator : IEstimator<TransformerTokenizingTransformer>
{
    /// <summary>The default values of <see cref="Options"/>.</summary>
    public static class Defaults
    {
        /// <summary>Name of the token-id output column: "InputIds".</summary>
        public const string OutputColumnName = "InputIds";

        /// <summary>Name of the attention-mask output column: "AttentionMask".</summary>
        public const string AttentionMaskColumnName = "AttentionMask";

        /// <summary>Tokens per row after truncation and padding: 128.</summary>
        public const int MaximumSequenceLength = 128;

        /// <summary>Rows tokenized together in a cursor: 64.</summary>
        public const int BatchSize = 64;
    }

    /// <summary>Options of the tokenization step.</summary>
    public sealed class Options
    {
        /// <summary>A local tokenizer.json, or a folder with tokenizer.json, vocab.txt, or vocab.json + merges.txt (required; never downloaded).</summary>
        public string? TokenizerPath;

        /// <summary>The token-id output column. Default "InputIds".</summary>
        public string OutputColumnName = Defaults.OutputColumnName;

        /// <summary>The text input column; null means the same name as <see cref="OutputColumnName"/>.</summary>
        public string? InputColumnName;

        /// <summary>An optional second text column, encoded as the pair text (e.g. the context of a question). Default null.</summary>
        public string? SecondInputColumnName;

        /// <summary>The attention-mask output column. Default "AttentionMask".</summary>
        public string AttentionMaskColumnName = Defaults.AttentionMaskColumnName;

        /// <summary>The token-type-id output column, or null (the default) for none.</summary>
        public string? TokenTypeIdsColumnName;

        /// <summary>Tokens per row, special tokens included: longer texts are truncated, shorter ones padded. Default 128.</summary>
        public int MaximumSequenceLength = Defaults.MaximumSequenceLength;

        /// <summary>Whether the tokenizer's special tokens ([CLS]/[SEP], &lt;s&gt;/&lt;/s&gt;) are added. Default true.</summary>
        public bool AddSpecialTokens = true;

        /// <summary>Element type of the output vectors. Default <see cref="TokenColumnType.Int32"/>.</summary>
        public TokenColumnType OutputType = TokenColumnType.Int32;

        /// <summary>Rows tokenized together in a cursor. Default 64.</summary>
        public int BatchSize = Defaults.BatchSize;
    }

    private readonly Options _options;
    private readonly Tokenizer _tokenizer;

    /// <summary>Checks the options and loads the tokenizer (so a wrong path fails here, before any data is read).</summary>
    /// <exception cref="ArgumentException">A column name is empty, names repeat, or a size is not positive.</exception>
    /// <exception cref="FileNotFoundException">The tokenizer path holds no tokenizer; the message names the expected files.</exception>
    public TransformerTokenizingEstimator(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = Validate(options);
        _tokenizer = LocalModelPaths.LoadTokenizer(options.TokenizerPath, nameof(Options.TokenizerPath));
    }

    internal static Options Validate(Options options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputColumnName, nameof(Options.OutputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AttentionMaskColumnName, nameof(Options.AttentionMaskColumnName));
        if (options.MaximumSequenceLength < 2)
            throw new ArgumentOutOfRangeException(nameof(Options.MaximumSequenceLength), options.MaximumSequenceLength, "The maximum sequence length must be at least 2.");
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(Options.BatchSize), options.BatchSize, "The batch size must be at least 1.");
        var outputs = new[] { options.OutputColumnName, options.AttentionMaskColumnName, options.TokenTypeIdsColumnName }.Where(n => n != null).ToList();
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Count)
            throw new ArgumentException($"The output column names must differ: {string.Join(", ", outputs)}.", nameof(options));
        return new Options
        {
            TokenizerPath = options.TokenizerPath,
            OutputColumnName = options.OutputColumnName,
            InputColumnName = options.InputColumnName ?? options.OutputColumnName,
            SecondInputColumnName = options.SecondInputColumnName,
            AttentionMaskColumnName = options.AttentionMaskColumnName,
            TokenTypeIdsColumnName = options.TokenTypeIdsColumnName,
            MaximumSequenceLength = options.MaximumSequenceLength,
            AddSpecialTokens = options.AddSpecialTokens,
            OutputType = options.OutputType,
            BatchSize = options.BatchSize,
        };
    }

    /// <summary>The input shape plus the token columns (known-size vectors of Int32 or Single).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or not String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var text = ColumnExpectation.Scalar(TextDataViewType.Instance);
        SchemaChecks.Require(inputSchema, _options.InputColumnName!, text);
        if (_options.SecondInputColumnName != null) SchemaChecks.Require(inputSchema, _options.SecondInputColumnName, text);
        var item = _options.OutputType switch
        {
            TokenColumnType.Int32 => NumberDataViewType.Int32,
            TokenColumnType.Int64 => NumberDataViewType.Int64,
            _ => NumberDataViewType.Single,
        };
        var columns = TransformerTokenizingTransformer.OutputNames(_options)
            .Select(name => SchemaShapes.Column(name, SchemaShape.Column.VectorKind.Vector, item)).ToArray();
        return SchemaShapes.With(inputSchema, columns);
    }

    /// <summary>Checks the input schema and returns the transformer (nothing is learned).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or not String.</exception>
    public TransformerTokenizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new TransformerTokenizingTransformer(_tokenizer, _options);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }
}
