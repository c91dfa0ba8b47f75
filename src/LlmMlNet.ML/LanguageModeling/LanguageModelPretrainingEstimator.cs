// The pre-training estimator: Fit pre-trains a transformer with masked LM (BERT family) or causal LM (GPT-2) on a
// text column, from a size preset + tokenizer (from scratch) or a local checkpoint (continued pre-training), through
// the training stack's Pretraining API. Its transformer carries the trained model and scores perplexity per row.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.LanguageModeling;

/// <summary>
/// Pre-trains a language model on a text column (each row one document). Created by
/// <see cref="LlmTransformsCatalog.PretrainLanguageModel(TransformsCatalog.TextTransforms, LanguageModelPretrainingEstimator.Options)"/>.
/// </summary>
public sealed class LanguageModelPretrainingEstimator : IEstimator<LanguageModelTransformer>
{
    /// <summary>The default values of <see cref="Options"/>.</summary>
    public static class Defaults
    {
        /// <summary>The text column: "Text".</summary>
        public const string InputColumnName = "Text";

        /// <summary>The perplexity column: "Perplexity".</summary>
        public const string OutputColumnName = "Perplexity";

        /// <summary>Tokens per packed training block and per scored row: <see cref="PretrainingOptions.Defaults.BlockSize"/> (128).</summary>
        public const int BlockSize = PretrainingOptions.Defaults.BlockSize;

        /// <summary>Blocks per optimizer step (and rows per scoring pass): <see cref="PretrainingOptions.Defaults.BatchSize"/> (8).</summary>
        public const int BatchSize = PretrainingOptions.Defaults.BatchSize;

        /// <summary>Passes over the data: <see cref="PretrainingOptions.Defaults.Epochs"/> (3).</summary>
        public const int MaxEpochs = PretrainingOptions.Defaults.Epochs;

        /// <summary>Peak AdamW learning rate: <see cref="PretrainingOptions.Defaults.LearningRate"/> (1e-4).</summary>
        public const float LearningRate = PretrainingOptions.Defaults.LearningRate;

        /// <summary>Seed of initialisation, masking and shuffling: 42.</summary>
        public const int Seed = (int)TrainerOptions.Defaults.Seed;
    }

    /// <summary>Options of pre-training.</summary>
    public sealed class Options
    {
        /// <summary>A local Hugging Face checkpoint folder to continue pre-training from; null to start from <see cref="Preset"/>.</summary>
        public string? ModelPath;

        /// <summary>A size preset (tiny, mini, small, medium, base) for pre-training from scratch; used when <see cref="ModelPath"/> is null.</summary>
        public string? Preset;

        /// <summary>The model family of a preset: Bert (default), Roberta, DistilBert or Gpt2.</summary>
        public ModelFamily Family = ModelFamily.Bert;

        /// <summary>A tokenizer.json or tokenizer folder; required with <see cref="Preset"/>, else null uses the model folder's files.</summary>
        public string? TokenizerPath;

        /// <summary>Masked or causal LM; null (the default) picks causal LM for GPT-2 and masked LM otherwise.</summary>
        public PretrainingObjective? Objective;

        /// <summary>The text column. Default "Text".</summary>
        public string InputColumnName = Defaults.InputColumnName;

        /// <summary>The perplexity column the transformer adds (Single). Default "Perplexity".</summary>
        public string OutputColumnName = Defaults.OutputColumnName;

        /// <summary>Tokens per packed block (and per scored row). Default 128.</summary>
        public int BlockSize = Defaults.BlockSize;

        /// <summary>Blocks per step. Default 8.</summary>
        public int BatchSize = Defaults.BatchSize;

        /// <summary>Passes over the data. Default 3.</summary>
        public int MaxEpochs = Defaults.MaxEpochs;

        /// <summary>Stop after this many optimizer steps; null (default) runs every epoch.</summary>
        public int? MaxSteps;

        /// <summary>Peak learning rate (linear warm-up over <see cref="PretrainingOptions.Defaults.WarmupRatio"/> of the steps, then linear decay). Default 1e-4.</summary>
        public float LearningRate = Defaults.LearningRate;

        /// <summary>Seed. Default 42.</summary>
        public int Seed = Defaults.Seed;
    }

    private readonly Options _options;

    /// <summary>Checks the options and local paths (before any data is read).</summary>
    /// <exception cref="ArgumentException">Neither a model path nor a preset, a preset without a tokenizer, or a value out of range.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing; the message names it.</exception>
    public LanguageModelPretrainingEstimator(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = Validate(options);
        if (options.ModelPath != null) LocalModelPaths.RequireCheckpointFolder(options.ModelPath, nameof(Options.ModelPath));
        else if (string.IsNullOrWhiteSpace(options.Preset))
            throw new ArgumentException($"Set {nameof(Options.ModelPath)} (a local checkpoint folder) or {nameof(Options.Preset)} (one of {string.Join(", ", SizePresets.Names)}) with {nameof(Options.TokenizerPath)}.", nameof(options));
        else if (!SizePresets.Names.Contains(options.Preset))
            throw new ArgumentException($"{nameof(Options.Preset)} '{options.Preset}' is not one of {string.Join(", ", SizePresets.Names)}.", nameof(options));
        else if (options.TokenizerPath == null)
            throw new ArgumentException($"{nameof(Options.Preset)} needs {nameof(Options.TokenizerPath)}: the vocabulary comes from the tokenizer.", nameof(options));
        LocalModelPaths.LoadTokenizer(options.TokenizerPath ?? options.ModelPath, nameof(Options.TokenizerPath));
    }

    internal static Options Validate(Options o)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(o.InputColumnName, nameof(Options.InputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(o.OutputColumnName, nameof(Options.OutputColumnName));
        if (o.BlockSize < 4) throw new ArgumentOutOfRangeException(nameof(Options.BlockSize), o.BlockSize, "The block size must be at least 4.");
        if (o.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(Options.BatchSize), o.BatchSize, "The batch size must be at least 1.");
        if (o.MaxEpochs < 1) throw new ArgumentOutOfRangeException(nameof(Options.MaxEpochs), o.MaxEpochs, "MaxEpochs must be at least 1.");
        if (!(o.LearningRate > 0) || !float.IsFinite(o.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(Options.LearningRate), o.LearningRate, "The learning rate must be positive.");
        return o;
    }

    /// <summary>The input shape plus the perplexity column (Single).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The text column is missing or not String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.Require(inputSchema, _options.InputColumnName, ColumnExpectation.Scalar(TextDataViewType.Instance));
        return SchemaShapes.With(inputSchema, SchemaShapes.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single));
    }

    /// <summary>Pre-trains on every row's text and returns the transformer carrying the trained model.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The text column is missing or not String.</exception>
    /// <exception cref="ArgumentException">The data packs into no block (too little text for one block of <see cref="Options.BlockSize"/>).</exception>
    public LanguageModelTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = SchemaChecks.Require(input.Schema, _options.InputColumnName, ColumnExpectation.Scalar(TextDataViewType.Instance));
        var texts = new List<string>();
        using (var cursor = input.GetRowCursor([column]))
        {
            var read = RowReaders.Text(cursor, column.Name);
            while (cursor.MoveNext()) texts.Add(read());
        }
        var tokenizer = LocalModelPaths.LoadTokenizer(_options.TokenizerPath ?? _options.ModelPath, nameof(Options.TokenizerPath));
        ulong seed = (ulong)_options.Seed;
        var parameters = _options.ModelPath != null
            ? Pretraining.FromCheckpoint(_options.ModelPath, out _, seed)
            : Pretraining.FromScratch(_options.Preset!, _options.Family, tokenizer, seed);
        var objective = _options.Objective ?? (parameters.Config.Family == ModelFamily.Gpt2 ? PretrainingObjective.CausalLm : PretrainingObjective.MaskedLm);
        int blockSize = Math.Min(_options.BlockSize, parameters.Config.MaxPositions - parameters.Config.PositionOffset);
        if (!BlockPacker.Pack(texts, tokenizer, blockSize).Any())
            throw new ArgumentException($"Column '{column.Name}' holds too little text for one block of {blockSize} tokens; lower {nameof(Options.BlockSize)} or add rows.", nameof(input));
        var options = new PretrainingOptions
        {
            BlockSize = blockSize,
            Objective = objective,
            Trainer = PretrainingOptions.Defaults.Trainer() with
            {
                LearningRate = _options.LearningRate, BatchSize = _options.BatchSize, Epochs = _options.MaxEpochs, MaxSteps = _options.MaxSteps, Seed = seed,
            },
        };
        var result = Pretraining.Train(parameters, tokenizer, texts.Select((t, i) => new CorpusLine(t, i, true, 0, i + 1, default)), options);
        return new LanguageModelTransformer(parameters, tokenizer, objective, _options, result);
    }
}
