// The fitted extractive QA model as an ML.NET row-to-row transformer: a thin front end over the Tasks API's
// QuestionAnswering (windows, batched forward passes, n-best decoding across windows), mapping a batch of rows
// to the top-K answer texts and their scores. Saved as the task folder `llmmlnet predict` reads, plus the
// column names. Not the trainer.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.QuestionAnswering;

/// <summary>
/// Answers questions from their contexts: <c>Answer</c> = <c>Vector&lt;String&gt;</c> of the top-K spans with distinct texts (best first)
/// and <c>Score</c> = <c>Vector&lt;Single&gt;</c> of their start + end logits. Only Context and Question are needed at prediction time.
/// Save it with <c>mlContext.Model.SaveWithLlm</c>, or alone as a task folder with <see cref="SaveTaskModel"/>.
/// </summary>
public sealed class LlmQuestionAnsweringTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.QuestionAnswering/2";

    private readonly Settings _settings;
    private readonly Transformers.Tasks.QuestionAnswering _qa;
    private readonly BatchedRowMapping<(string, string), IReadOnlyList<QaPrediction>> _mapping;
    private int _batches;

    private LlmQuestionAnsweringTransformer(Settings settings, Transformers.Tasks.QuestionAnswering qa)
    {
        if (settings.TopK < 1) throw new InvalidDataException($"TopK must be at least 1, got {settings.TopK}.");
        _settings = settings;
        _qa = qa;
        var text = ColumnExpectation.Scalar(TextDataViewType.Instance);
        _mapping = new BatchedRowMapping<(string, string), IReadOnlyList<QaPrediction>>(
            schema => [SchemaChecks.Require(schema, settings.ContextColumnName, text), SchemaChecks.Require(schema, settings.QuestionColumnName, text)],
            row =>
            {
                var context = RowReaders.Text(row, settings.ContextColumnName);
                var question = RowReaders.Text(row, settings.QuestionColumnName);
                return () => (context(), question());
            },
            Answer,
            [
                BatchOutputColumn<IReadOnlyList<QaPrediction>>.Create(settings.PredictedAnswerColumnName, new VectorDataViewType(TextDataViewType.Instance),
                    (IReadOnlyList<QaPrediction> a, ref VBuffer<ReadOnlyMemory<char>> dst) =>
                        dst = new VBuffer<ReadOnlyMemory<char>>(a.Count, a.Select(p => p.Text.AsMemory()).ToArray())),
                BatchOutputColumn<IReadOnlyList<QaPrediction>>.Create(settings.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single),
                    (IReadOnlyList<QaPrediction> a, ref VBuffer<float> dst) => dst = new VBuffer<float>(a.Count, a.Select(p => p.Score).ToArray())),
            ],
            settings.BatchSize);
    }

    internal static LlmQuestionAnsweringTransformer FromTrained(Transformers.Tasks.QuestionAnswering qa, LlmQuestionAnsweringOptions o) =>
        new(new Settings(o.ContextColumnName, o.QuestionColumnName, o.PredictedAnswerColumnName, o.ScoreColumnName, o.TopK, o.BatchSize, o.ModelPath), qa);

    /// <summary>Wraps a QA model saved as a task folder (by <c>llmmlnet finetune --task qa</c>, <see cref="Transformers.Tasks.QuestionAnswering.Save"/> or <see cref="SaveTaskModel"/>).</summary>
    /// <exception cref="InvalidDataException">The folder holds no QA model, or a file is missing or malformed.</exception>
    internal static LlmQuestionAnsweringTransformer FromTaskFolder(string modelFolder, string contextColumnName, string questionColumnName,
        string predictedAnswerColumnName, string scoreColumnName, int topK, int batchSize) =>
        new(new Settings(contextColumnName, questionColumnName, predictedAnswerColumnName, scoreColumnName, topK, batchSize, modelFolder),
            Transformers.Tasks.QuestionAnswering.Load(modelFolder, batchSize: batchSize));

    private IReadOnlyList<QaPrediction>[] Answer(IReadOnlyList<(string Context, string Question)> inputs)
    {
        var examples = inputs.Select((x, i) => new QaExample(i.ToString(System.Globalization.CultureInfo.InvariantCulture), x.Question, x.Context, [])).ToList();
        // One QuestionAnswering runs one forward pass at a time; cursors of the same transformer take turns.
        lock (_qa)
        {
            Interlocked.Increment(ref _batches);
            return _qa.PredictTop(examples, _settings.TopK).ToArray();
        }
    }

    /// <summary>The task model doing the work (its <see cref="Transformers.Tasks.QuestionAnswering.Evaluate"/>, <see cref="Transformers.Tasks.QuestionAnswering.Save"/> ...).</summary>
    public Transformers.Tasks.QuestionAnswering Model => _qa;

    /// <summary>Batches of rows handed to the model so far: a test hook of the batching.</summary>
    internal int Batches => Volatile.Read(ref _batches);

    /// <summary>The trainer's summary (validation eval_loss per evaluation in its History); null after loading.</summary>
    public TrainingResult? TrainingResult => _qa.TrainingResult;

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

    /// <summary>Not supported: ML.NET cannot store out-of-tree transformers; use <c>mlContext.Model.SaveWithLlm</c>. Removes the half-written file.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UseSaveWithLlm(ctx, nameof(LlmQuestionAnsweringTransformer));

    /// <summary>
    /// Saves the model as a task folder (Hugging Face model with the span head, tokenizer, adapter in PEFT layout, llmmlnet-task.json
    /// with window and stride) that <c>llmmlnet predict</c>, <see cref="Transformers.Tasks.QuestionAnswering.Load"/> and
    /// <c>mlContext.Model.LoadLlmQuestionAnswering</c> read.
    /// </summary>
    public void SaveTaskModel(string directory) => _qa.Save(directory, _settings.BaseModel);

    /// <summary>Writes the task folder (<see cref="SaveTaskModel"/>) plus the ML.NET settings (column names, top K) as llmmlnet.json.</summary>
    public void SaveTo(string directory)
    {
        SaveTaskModel(directory);
        ComponentSettings.Write(directory, _settings);
    }

    internal static LlmQuestionAnsweringTransformer LoadFrom(string directory)
    {
        var settings = ComponentSettings.Read<Settings>(directory);
        return new LlmQuestionAnsweringTransformer(settings, Transformers.Tasks.QuestionAnswering.Load(directory, batchSize: settings.BatchSize));
    }

    internal sealed record Settings(string ContextColumnName, string QuestionColumnName, string PredictedAnswerColumnName, string ScoreColumnName,
        int TopK, int BatchSize, string? BaseModel);
}
