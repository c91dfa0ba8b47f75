// The fitted text classifier as an ML.NET row-to-row transformer: batched softmax probabilities (Score, with slot
// names) and the argmax as a Key PredictedLabel carrying the label's KeyValues in their original type. Saves the
// tuned model as a Hugging Face folder (LoRA merged in; bottleneck adapters beside it; feature extraction's softmax
// regression in the settings) plus its settings. Not the trainer.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Classification;

/// <summary>
/// Predicts <c>Score</c> (<c>Vector&lt;Single, K&gt;</c>, softmax probabilities, slot names = class names) and <c>PredictedLabel</c>
/// (<c>Key&lt;UInt32, K&gt;</c> whose KeyValues are the label's, in their original type) from text. Row-to-row (PredictionEngine
/// works); cursors run <c>BatchSize</c> rows per forward pass. Save it with <see cref="PipelinePersistence"/> (every method).
/// </summary>
public sealed class LlmTextClassificationTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.TextClassification/1";

    private readonly Settings _settings;
    private readonly TextClassificationEngine _engine;
    private readonly BatchedRowMapping<(string, string?), float[]> _mapping;

    private LlmTextClassificationTransformer(Settings settings, TextClassificationEngine engine, TrainingResult? trainingResult)
    {
        _settings = settings;
        _engine = engine;
        TrainingResult = trainingResult;
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
            inputs => engine.Predict(inputs),
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
                    (float[] p, ref uint dst) => dst = (uint)ArgMax(p) + 1, keyValues.ToAnnotations()),
            ],
            settings.BatchSize);
    }

    internal static LlmTextClassificationTransformer FromTrained(TextClassifier classifier, Tokenizer tokenizer, LlmTextClassificationOptions options,
        LabelKeyValues classes)
    {
        PooledHead? pooled = null;
        float[]? weight = null, bias = null;
        if (classifier.FeatureHead is { } head)
        {
            pooled = new PooledHead(classifier.Options.Pooling, classifier.Options.NormalizeEmbeddings, head);
            (weight, bias) = (head.Parameters.View(HeadWeight).ToArray(), head.Parameters.View(HeadBias).ToArray());
        }
        else
        {
            // The trained head/adapter values into the parameters, then LoRA folds into the base weights so the plain engine
            // (and a saved folder) computes the adapted model.
            classifier.SyncTrainableState();
            classifier.Lora?.Merge(classifier.Parameters.Set);
        }
        var settings = new Settings(options.Sentence1ColumnName, options.Sentence2ColumnName, options.ScoreColumnName, options.PredictedLabelColumnName,
            options.MaxSequenceLength, options.BatchSize, options.Method, classes.Texts, classes.ItemTypeName, pooled?.Pooling, pooled?.Normalize ?? false,
            weight, bias);
        var engine = new TextClassificationEngine(classifier.Parameters, classifier.Adapter, tokenizer, options.MaxSequenceLength, options.BatchSize, pooled);
        return new LlmTextClassificationTransformer(settings, engine, classifier.TrainingResult);
    }

    private const string HeadWeight = "weight", HeadBias = "bias";

    internal TextClassificationEngine Engine => _engine;

    /// <summary>The class names in key order (the label's KeyValues as invariant text).</summary>
    public IReadOnlyList<string> Classes => _settings.Classes;

    /// <summary>The trainer's summary (validation metrics per evaluation in its History); null after loading or for feature extraction.</summary>
    public TrainingResult? TrainingResult { get; }

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <summary>Always true.</summary>
    public bool IsRowToRowMapper => true;

    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>The input schema plus Score and PredictedLabel (the label column is not needed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not String.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    /// <summary>A lazy view predicting batch by batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not String.</exception>
    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    /// <summary>A single-row mapper (PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <summary>Not supported: use <see cref="PipelinePersistence.Save"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UsePipelinePersistence(nameof(LlmTextClassificationTransformer));

    /// <summary>
    /// Writes "model" (config.json with the class names, model.safetensors with LoRA merged in, tokenizer files), "adapter" for
    /// bottleneck adapters, and llmmlnet.json (settings, label values; the softmax regression for feature extraction).
    /// </summary>
    /// <exception cref="NotSupportedException">The label's key values are of a type a manifest cannot record (not text, Boolean or a number).</exception>
    public void SaveTo(string directory)
    {
        SavedModelFolder.Save(directory, _engine.Parameters, _engine.Tokenizer, _engine.Adapter);
        ComponentSettings.Write(directory, _settings);
    }

    internal static LlmTextClassificationTransformer LoadFrom(MLContext mlContext, string directory)
    {
        var settings = ComponentSettings.Read<Settings>(directory);
        string model = SavedModelFolder.RequireModel(directory);
        var config = TransformerConfigReader.Read(Path.Combine(model, CheckpointFolder.ConfigFileName));
        PooledHead? pooled = null;
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder };
        if (settings.Pooling is { } pooling)
        {
            int c = config.HiddenSize, k = settings.Classes.Length;
            if (settings.HeadWeight?.Length != k * c || settings.HeadBias?.Length != k)
                throw new InvalidDataException(
                    $"{Path.Combine(directory, ComponentSettings.FileName)}: headWeight/headBias must hold {k} × {c} and {k} values for a feature-extraction classifier.");
            var regression = new SoftmaxRegression(c, k);
            settings.HeadWeight.CopyTo(regression.Parameters.View(HeadWeight));
            settings.HeadBias.CopyTo(regression.Parameters.View(HeadBias));
            pooled = new PooledHead(pooling, settings.NormalizeEmbeddings, regression);
            if (pooling == PoolingMode.Pooler) groups.Add(KeyGroup.Pooler);
        }
        else
        {
            groups.Add(KeyGroup.Classification);
            if (config.Family is ModelFamily.Bert or ModelFamily.Roberta) groups.Add(KeyGroup.Pooler);
        }
        var parameters = TransformerParameters.FromPretrained(model, groups, out _);
        var adapter = SavedModelFolder.LoadAdapter(directory, config);
        var tokenizer = LocalModelPaths.LoadTokenizer(model, "saved tokenizer");
        var engine = new TextClassificationEngine(parameters, adapter, tokenizer, settings.MaxSequenceLength, settings.BatchSize, pooled);
        return new LlmTextClassificationTransformer(settings, engine, null);
    }

    // KeyValuesType: the label's KeyValues item type ("String", "Int32", ...); null (older files) reads as String.
    // Pooling, NormalizeEmbeddings, HeadWeight [K, hidden], HeadBias [K]: feature extraction's head; Pooling null for the other methods.
    internal sealed record Settings(string Sentence1ColumnName, string? Sentence2ColumnName, string ScoreColumnName, string PredictedLabelColumnName,
        int MaxSequenceLength, int BatchSize, FineTuningMethod Method, string[] Classes, string? KeyValuesType = null, PoolingMode? Pooling = null,
        bool NormalizeEmbeddings = false, float[]? HeadWeight = null, float[]? HeadBias = null);
}
