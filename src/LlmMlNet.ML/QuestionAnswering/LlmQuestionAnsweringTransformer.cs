// The fitted extractive QA model as an ML.NET row-to-row transformer: top-K answer texts and scores per row, many
// windows per forward pass. Saves the tuned model as a Hugging Face folder (LoRA merged; bottleneck adapters beside
// it) plus settings, for PipelinePersistence. Not the trainer.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.QuestionAnswering;

/// <summary>
/// Answers questions from their contexts: <c>Answer</c> = <c>Vector&lt;String&gt;</c> of the top-K spans (best first) and <c>Score</c> =
/// <c>Vector&lt;Single&gt;</c> of their start + end logits. Only Context and Question are needed at prediction time.
/// </summary>
public sealed class LlmQuestionAnsweringTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.QuestionAnswering/1";

    private readonly Settings _settings;
    private readonly QaAnswerEngine _engine;
    private readonly BatchedRowMapping<(string, string), QaAnswers> _mapping;

    private LlmQuestionAnsweringTransformer(Settings settings, QaAnswerEngine engine, TrainingResult? trainingResult)
    {
        _settings = settings;
        _engine = engine;
        TrainingResult = trainingResult;
        var text = ColumnExpectation.Scalar(TextDataViewType.Instance);
        _mapping = new BatchedRowMapping<(string, string), QaAnswers>(
            schema => [SchemaChecks.Require(schema, settings.ContextColumnName, text), SchemaChecks.Require(schema, settings.QuestionColumnName, text)],
            row =>
            {
                var context = RowReaders.Text(row, settings.ContextColumnName);
                var question = RowReaders.Text(row, settings.QuestionColumnName);
                return () => (context(), question());
            },
            inputs => engine.Answer(inputs),
            [
                BatchOutputColumn<QaAnswers>.Create(settings.PredictedAnswerColumnName, new VectorDataViewType(TextDataViewType.Instance),
                    (QaAnswers a, ref VBuffer<ReadOnlyMemory<char>> dst) => dst = new VBuffer<ReadOnlyMemory<char>>(a.Texts.Length, a.Texts.Select(t => t.AsMemory()).ToArray())),
                BatchOutputColumn<QaAnswers>.Create(settings.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single),
                    (QaAnswers a, ref VBuffer<float> dst) => dst = new VBuffer<float>(a.Scores.Length, (float[])a.Scores.Clone())),
            ],
            settings.BatchSize);
    }

    internal static LlmQuestionAnsweringTransformer FromTrained(Transformers.Tasks.QuestionAnswering qa, Tokenizer tokenizer, LlmQuestionAnsweringOptions o, QaExample any)
    {
        // The trained head/adapter values into the parameters; LoRA then folds into the base weights.
        qa.SyncTrainableState();
        qa.Lora?.Merge(qa.Parameters.Set);
        var settings = new Settings(o.ContextColumnName, o.QuestionColumnName, o.PredictedAnswerColumnName, o.ScoreColumnName, o.TopK, o.BatchSize,
            o.MaxSequenceLength, o.Stride ?? Transformers.Tasks.TaskModelOptions.Defaults.QaStride(o.MaxSequenceLength));
        return new LlmQuestionAnsweringTransformer(settings, Engine(qa.Parameters, qa.Adapter, tokenizer, settings), qa.TrainingResult);
    }

    private static QaAnswerEngine Engine(TransformerParameters parameters, BottleneckAdapter? adapter, Tokenizer tokenizer, Settings s) =>
        new(parameters, adapter, tokenizer, s.MaxSequenceLength, s.Stride, s.BatchSize, s.TopK);

    internal QaAnswerEngine AnswerEngine => _engine;

    /// <summary>The trainer's summary (validation eval_loss per evaluation in its History); null after loading.</summary>
    public TrainingResult? TrainingResult { get; }

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <summary>Always true.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus Answer and Score.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Context or Question is missing or not String.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    /// <summary>A lazy view answering batch by batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Context or Question is missing or not String.</exception>
    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    /// <summary>A single-row mapper (PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <summary>Not supported: use <see cref="PipelinePersistence.Save"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UsePipelinePersistence(nameof(LlmQuestionAnsweringTransformer));

    /// <summary>Writes "model" (config, safetensors with LoRA merged, tokenizer files), "adapter" for bottleneck adapters, and llmmlnet.json.</summary>
    public void SaveTo(string directory)
    {
        SavedModelFolder.Save(directory, _engine.Parameters, _engine.Tokenizer, _engine.Adapter);
        ComponentSettings.Write(directory, _settings);
    }

    internal static LlmQuestionAnsweringTransformer LoadFrom(MLContext mlContext, string directory)
    {
        var settings = ComponentSettings.Read<Settings>(directory);
        string model = SavedModelFolder.RequireModel(directory);
        var parameters = TransformerParameters.FromPretrained(model, new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.QuestionAnswering }, out _);
        var adapter = SavedModelFolder.LoadAdapter(directory, parameters.Config);
        var tokenizer = LocalModelPaths.LoadTokenizer(model, "saved tokenizer");
        return new LlmQuestionAnsweringTransformer(settings, Engine(parameters, adapter, tokenizer, settings), null);
    }

    internal sealed record Settings(string ContextColumnName, string QuestionColumnName, string PredictedAnswerColumnName, string ScoreColumnName,
        int TopK, int BatchSize, int MaxSequenceLength, int Stride);
}
