// The estimator of text generation in ML.NET pipelines: a prompt text column to a generated-text column with a
// local GPT-2 checkpoint (a pre-trained or fine-tuned folder). Trivial: nothing is learned, Fit loads the model and
// checks the schema. Options mirror GenerationOptions (Hugging Face generate()'s names and defaults).
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Generation;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Generation;

/// <summary>
/// Continues each row's prompt with a causal language model into a text column. Created by
/// <see cref="TextGenerationCatalog.GenerateText(TransformsCatalog.TextTransforms, string, string, string?, int)"/>.
/// </summary>
public sealed class TextGenerationEstimator : IEstimator<TextGenerationTransformer>
{
    /// <summary>The default values of <see cref="Options"/>.</summary>
    public static class Defaults
    {
        /// <summary>The generated-text column: "Completion".</summary>
        public const string OutputColumnName = "Completion";

        /// <summary>Prompts generated together (left-padded): 8.</summary>
        public const int BatchSize = 8;
    }

    /// <summary>Options of text generation (sampling fields apply only when <see cref="DoSample"/>).</summary>
    public sealed class Options
    {
        /// <summary>A local GPT-2 checkpoint folder (config.json + model.safetensors); required, never downloaded.</summary>
        public string? ModelPath;

        /// <summary>A tokenizer.json or tokenizer folder; null (the default) uses the tokenizer files in <see cref="ModelPath"/>.</summary>
        public string? TokenizerPath;

        /// <summary>The generated-text column. Default "Completion".</summary>
        public string OutputColumnName = Defaults.OutputColumnName;

        /// <summary>The prompt column (String); null means the same name as <see cref="OutputColumnName"/>.</summary>
        public string? InputColumnName;

        /// <summary>Most new tokens per row. Default 20 (<see cref="GenerationOptions.MaxNewTokens"/>).</summary>
        public int MaxNewTokens = 20;

        /// <summary>Sample instead of greedy decoding. Default false.</summary>
        public bool DoSample;

        /// <summary>Sampling temperature. Default 1.</summary>
        public float Temperature = 1f;

        /// <summary>Sampling: keep the K most likely tokens; 0 turns it off. Default 50.</summary>
        public int TopK = 50;

        /// <summary>Sampling: nucleus probability in (0, 1]. Default 1 (off).</summary>
        public float TopP = 1f;

        /// <summary>Hugging Face's repetition penalty. Default 1 (off).</summary>
        public float RepetitionPenalty = 1f;

        /// <summary>Strings that end a completion (cut before them). Default none.</summary>
        public string[] StopStrings = [];

        /// <summary>Sampling seed. Default 0.</summary>
        public ulong Seed;

        /// <summary>Rows generated together in cursors. Default 8.</summary>
        public int BatchSize = Defaults.BatchSize;

        /// <summary>The library's options these fields stand for (the config's EOS stops a row).</summary>
        public GenerationOptions ToGenerationOptions() => new GenerationOptions
        {
            MaxNewTokens = MaxNewTokens,
            DoSample = DoSample,
            Temperature = Temperature,
            TopK = TopK,
            TopP = TopP,
            RepetitionPenalty = RepetitionPenalty,
            StopStrings = StopStrings,
            Seed = Seed,
        }.Validate();
    }

    private readonly Options _options;

    /// <summary>Checks the options and paths (before any data is read).</summary>
    /// <exception cref="ArgumentException">A column name is empty, a size is not positive, or a generation option is out of range.</exception>
    /// <exception cref="DirectoryNotFoundException">The model folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json, the weights or the tokenizer are missing; the message names the file.</exception>
    /// <exception cref="NotSupportedException">The checkpoint is not a GPT-2 (causal) model.</exception>
    public TextGenerationEstimator(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = Validate(options);
        LocalModelPaths.RequireCheckpointFolder(options.ModelPath, nameof(Options.ModelPath));
        LocalModelPaths.LoadTokenizer(options.TokenizerPath ?? options.ModelPath, nameof(Options.TokenizerPath));
        var family = TransformerConfigReader.Read(Path.Combine(options.ModelPath!, CheckpointFolder.ConfigFileName)).Family;
        if (family != ModelFamily.Gpt2)
            throw new NotSupportedException($"{options.ModelPath}: text generation needs a causal language model (GPT-2 family); this one is {family}.");
    }

    internal static Options Validate(Options options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputColumnName, nameof(Options.OutputColumnName));
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(Options.BatchSize), options.BatchSize, "The batch size must be at least 1.");
        var copy = new Options
        {
            ModelPath = options.ModelPath,
            TokenizerPath = options.TokenizerPath,
            OutputColumnName = options.OutputColumnName,
            InputColumnName = options.InputColumnName ?? options.OutputColumnName,
            MaxNewTokens = options.MaxNewTokens,
            DoSample = options.DoSample,
            Temperature = options.Temperature,
            TopK = options.TopK,
            TopP = options.TopP,
            RepetitionPenalty = options.RepetitionPenalty,
            StopStrings = options.StopStrings?.ToArray() ?? [],
            Seed = options.Seed,
            BatchSize = options.BatchSize,
        };
        copy.ToGenerationOptions();
        return copy;
    }

    /// <summary>The input shape plus the generated-text column (String).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The prompt column is missing or not String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.Require(inputSchema, _options.InputColumnName!, ColumnExpectation.Scalar(TextDataViewType.Instance));
        return SchemaShapes.With(inputSchema, SchemaShapes.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance));
    }

    /// <summary>Checks the schema and loads the model (nothing is learned).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The prompt column is missing or not String.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is malformed.</exception>
    public TextGenerationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SchemaChecks.Require(input.Schema, _options.InputColumnName!, ColumnExpectation.Scalar(TextDataViewType.Instance));
        var tokenizer = LocalModelPaths.LoadTokenizer(_options.TokenizerPath ?? _options.ModelPath, nameof(Options.TokenizerPath));
        var parameters = Pretraining.FromCheckpoint(_options.ModelPath!, out _);
        return new TextGenerationTransformer(new TextGenerator(parameters, tokenizer), _options);
    }
}
