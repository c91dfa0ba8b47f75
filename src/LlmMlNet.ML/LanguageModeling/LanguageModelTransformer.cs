// The fitted pre-training step: carries the pre-trained model and tokenizer, scores each row's perplexity
// (batched, by the Tasks API's LanguageModelScorer), saves the model as a Hugging Face folder that fine-tuning components and Python load, and
// persists inside pipelines. Not a trainer: Fit of the estimator trained it.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.LanguageModeling;

/// <summary>
/// A pre-trained language model as an ML.NET transformer: adds a Single perplexity column (causal LM: exp of the mean next-token
/// NLL; masked LM: pseudo-perplexity, each token masked once; NaN when a row has nothing to predict). Row-to-row; cursors batch.
/// </summary>
public sealed class LanguageModelTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.LanguageModel/1";

    private readonly LanguageModelPretrainingEstimator.Options _options;
    private readonly LanguageModelScorer _scorer;
    private readonly BatchedRowMapping<string, float> _mapping;

    internal LanguageModelTransformer(TransformerParameters parameters, Tokenizer tokenizer, PretrainingObjective objective,
        LanguageModelPretrainingEstimator.Options options, TrainingResult? trainingResult)
    {
        Parameters = parameters;
        Tokenizer = tokenizer;
        Objective = objective;
        TrainingResult = trainingResult;
        _options = options;
        _scorer = new LanguageModelScorer(parameters, tokenizer, objective, options.BlockSize, options.BatchSize);
        var text = ColumnExpectation.Scalar(TextDataViewType.Instance);
        _mapping = new BatchedRowMapping<string, float>(
            schema => [SchemaChecks.Require(schema, options.InputColumnName, text)],
            row => RowReaders.Text(row, options.InputColumnName),
            texts => _scorer.Score(texts),
            [BatchOutputColumn<float>.Create(options.OutputColumnName, NumberDataViewType.Single, (float value, ref float dst) => dst = value)],
            options.BatchSize);
    }

    /// <summary>The trained parameters (encoder and masked-LM head, or GPT-2's body with its tied LM head).</summary>
    public TransformerParameters Parameters { get; }

    /// <summary>The tokenizer.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>The objective it was trained with.</summary>
    public PretrainingObjective Objective { get; }

    /// <summary>The trainer's summary (steps, losses); null for a transformer loaded from a file.</summary>
    public TrainingResult? TrainingResult { get; }

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <summary>Always true.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>
    /// Saves the model as a Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer files) that
    /// <c>ModelPath</c> of the fine-tuning components and Python's <c>from_pretrained</c> accept. Files are written atomically.
    /// </summary>
    public void SaveModel(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Pretraining.Save(Parameters, Tokenizer, directory);
    }

    /// <summary>The input schema plus the perplexity column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The text column is missing or not String.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    /// <summary>A lazy view scoring perplexity batch by batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The text column is missing or not String.</exception>
    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    /// <summary>A single-row mapper (PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <summary>Not supported: use <c>mlContext.Model.SaveWithLlm</c>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UseSaveWithLlm(ctx, nameof(LanguageModelTransformer));

    /// <summary>Writes the model folder "model" and the options (llmmlnet.json).</summary>
    public void SaveTo(string directory)
    {
        SaveModel(Path.Combine(directory, SavedModelFolder.Model));
        ComponentSettings.Write(directory, new SavedSettings(_options, Objective));
    }

    internal static LanguageModelTransformer LoadFrom(string directory)
    {
        var saved = ComponentSettings.Read<SavedSettings>(directory);
        string model = SavedModelFolder.RequireModel(directory);
        var parameters = Pretraining.FromCheckpoint(model, out _);
        var tokenizer = LocalModelPaths.LoadTokenizer(model, "saved tokenizer");
        return new LanguageModelTransformer(parameters, tokenizer, saved.Objective, LanguageModelPretrainingEstimator.Validate(saved.Options), null);
    }

    internal sealed record SavedSettings(LanguageModelPretrainingEstimator.Options Options, PretrainingObjective Objective);
}
