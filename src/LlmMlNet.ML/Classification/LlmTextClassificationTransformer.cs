// The fitted text classifier as an ML.NET row-to-row transformer: a thin front end over the Tasks API's
// TextClassifier (which does every forward pass), mapping a batch of rows to its softmax probabilities as Score
// (slot names = class names) and the argmax as a Key PredictedLabel carrying the label's KeyValues in their
// original type. Saved as the task folder `llmmlnet predict` reads, plus the column names. Not the trainer.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Classification;

/// <summary>
/// Predicts <c>Score</c> (<c>Vector&lt;Single, K&gt;</c>, softmax probabilities, slot names = class names) and <c>PredictedLabel</c>
/// (<c>Key&lt;UInt32, K&gt;</c> whose KeyValues are the label's, in their original type) from text. Row-to-row (PredictionEngine
/// works); cursors run <c>BatchSize</c> rows per forward pass. Save it with <c>mlContext.Model.SaveWithLlm</c>, or alone as a
/// task folder with <see cref="SaveTaskModel"/>.
/// </summary>
public sealed class LlmTextClassificationTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.TextClassification/2";

    private readonly Settings _settings;
    private readonly TextClassifier _classifier;
    private readonly BatchedRowMapping<(string, string?), float[]> _mapping;
    private int _batches;

    private LlmTextClassificationTransformer(Settings settings, TextClassifier classifier)
    {
        if (!classifier.Labels.Labels.SequenceEqual(settings.Classes))
            throw new InvalidDataException($"The model's labels [{string.Join(", ", classifier.Labels.Labels)}] differ from the saved classes [{string.Join(", ", settings.Classes)}].");
        _settings = settings;
        _classifier = classifier;
        var text = ColumnExpectation.Scalar(TextDataViewType.Instance);
        int k = settings.Classes.Length;
        var keyValues = LabelKeyValues.FromRecord(settings.KeyValuesType, settings.Classes);
        _mapping = new BatchedRowMapping<(string, string?), float[]>(
            schema =>
            {
                var columns = new List<DataViewSchema.Column> { SchemaChecks.Require(schema, settings.Sentence1ColumnName, text) };
                if (settings.Sentence2ColumnName != null) columns.Add(SchemaChecks.Require(schema, settings.Sentence2ColumnName, text));
                return columns;
            },
            row =>
            {
                var first = RowReaders.Text(row, settings.Sentence1ColumnName);
                var second = settings.Sentence2ColumnName == null ? null : RowReaders.Text(row, settings.Sentence2ColumnName);
                return () => (first(), second?.Invoke());
            },
            Predict,
            [
                BatchOutputColumn<float[]>.Create(settings.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, k),
                    (float[] p, ref VBuffer<float> dst) =>
                    {
                        var editor = VBufferEditor.Create(ref dst, p.Length);
                        p.CopyTo(editor.Values);
                        dst = editor.Commit();
                    },
                    AnnotationHelpers.Score("MulticlassClassification", "Score", settings.Classes)),
                BatchOutputColumn<float[]>.Create(settings.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), k),
                    (float[] p, ref uint dst) => dst = (uint)System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p) + 1, keyValues.ToAnnotations()),
            ],
            settings.BatchSize);
    }

    internal static LlmTextClassificationTransformer FromTrained(TextClassifier classifier, LlmTextClassificationOptions options, LabelKeyValues classes) =>
        new(new Settings(options.Sentence1ColumnName, options.Sentence2ColumnName, options.ScoreColumnName, options.PredictedLabelColumnName,
            options.BatchSize, classes.Texts, classes.ItemTypeName, options.ModelPath), classifier);

    /// <summary>
    /// Wraps a classifier saved as a task folder (by <c>llmmlnet finetune</c>, <see cref="TextClassifier.Save"/> or
    /// <see cref="SaveTaskModel"/>): its labels become the PredictedLabel's String key values, in the folder's label order.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder holds no text classifier, or a file is missing or malformed.</exception>
    internal static LlmTextClassificationTransformer FromTaskFolder(string modelFolder, string sentence1ColumnName, string? sentence2ColumnName,
        string scoreColumnName, string predictedLabelColumnName, int batchSize)
    {
        var classifier = TextClassifier.Load(modelFolder, batchSize: batchSize);
        var labels = classifier.Labels.Labels.ToArray();
        return new(new Settings(sentence1ColumnName, sentence2ColumnName, scoreColumnName, predictedLabelColumnName, batchSize, labels,
            LabelKeyValues.FromText(labels).ItemTypeName, modelFolder), classifier);
    }

    private float[][] Predict(IReadOnlyList<(string Text, string? Pair)> inputs)
    {
        // One TextClassifier runs one forward pass at a time; cursors of the same transformer take turns.
        lock (_classifier)
        {
            Interlocked.Increment(ref _batches);
            return _classifier.PredictProbabilities(inputs).ToArray();
        }
    }

    /// <summary>The task model doing the work (its <see cref="TextClassifier.Evaluate"/>, <see cref="TextClassifier.Save"/>, adapters ...).</summary>
    public TextClassifier Classifier => _classifier;

    /// <summary>Batches handed to the classifier so far (each one forward pass of at most BatchSize rows): a test hook of the batching.</summary>
    internal int Batches => Volatile.Read(ref _batches);

    /// <summary>The class names in key order (the label's KeyValues as invariant text).</summary>
    public IReadOnlyList<string> Classes => _settings.Classes;

    /// <summary>The trainer's summary (validation metrics per evaluation in its History); null after loading or for feature extraction.</summary>
    public TrainingResult? TrainingResult => _classifier.TrainingResult;

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <summary>Always true.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus Score and PredictedLabel (the label column is not needed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not String.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    /// <summary>A lazy view predicting batch by batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not String.</exception>
    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    /// <summary>A single-row mapper (PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <summary>Not supported: ML.NET cannot store out-of-tree transformers; use <c>mlContext.Model.SaveWithLlm</c>. Removes the half-written file.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UseSaveWithLlm(ctx, nameof(LlmTextClassificationTransformer));

    /// <summary>
    /// Saves the classifier as a task folder (Hugging Face model with the head and the labels, tokenizer, adapter in PEFT layout,
    /// llmmlnet-task.json) that <c>llmmlnet predict</c>, <see cref="TextClassifier.Load"/> and <c>mlContext.Model.LoadLlmTextClassifier</c> read.
    /// </summary>
    public void SaveTaskModel(string directory) => _classifier.Save(directory, _settings.BaseModel);

    /// <summary>Writes the task folder (<see cref="SaveTaskModel"/>) plus the ML.NET settings (column names, key value type) as llmmlnet.json.</summary>
    public void SaveTo(string directory)
    {
        SaveTaskModel(directory);
        ComponentSettings.Write(directory, _settings);
    }

    internal static LlmTextClassificationTransformer LoadFrom(string directory)
    {
        var settings = ComponentSettings.Read<Settings>(directory);
        return new LlmTextClassificationTransformer(settings, TextClassifier.Load(directory, batchSize: settings.BatchSize));
    }

    // KeyValuesType: the label's KeyValues item type ("String", "Int32", ...); BaseModel: recorded in the task folder's manifest.
    internal sealed record Settings(string Sentence1ColumnName, string? Sentence2ColumnName, string ScoreColumnName, string PredictedLabelColumnName,
        int BatchSize, string[] Classes, string KeyValuesType, string? BaseModel);
}
