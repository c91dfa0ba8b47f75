// The text-classification trainer estimator: Fit reads (text, optional pair, Key<UInt32> label) rows and fine-tunes
// a transformer through the Tasks API's TextClassifier (full, LoRA, bottleneck adapters or feature extraction);
// its transformer predicts softmax probabilities and a Key PredictedLabel. Schema checks here; inference elsewhere.
using LlmMlNet.ML.Embeddings;
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Classification;

/// <summary>
/// Fine-tunes a transformer for text classification. Input: a text column (and optional pair column) of String and a
/// Key&lt;UInt32&gt; label (use MapValueToKey). Output: <c>Score</c> = <c>Vector&lt;Single, K&gt;</c> of softmax probabilities with slot
/// names, and <c>PredictedLabel</c> = <c>Key&lt;UInt32, K&gt;</c> carrying the label's key values in their original type, so MapKeyToValue
/// gives back the label's values.
/// </summary>
public sealed class LlmTextClassificationTrainer : IEstimator<LlmTextClassificationTransformer>
{
    private readonly LlmTextClassificationOptions _options;

    /// <summary>Checks the options and local paths before any data is read.</summary>
    /// <exception cref="ArgumentException">Neither a model path nor a preset with a tokenizer, or a value out of range.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing; the message names it.</exception>
    public LlmTextClassificationTrainer(LlmTextClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        foreach (var (name, value) in new[] { ("LabelColumnName", options.LabelColumnName), ("Sentence1ColumnName", options.Sentence1ColumnName),
                     ("ScoreColumnName", options.ScoreColumnName), ("PredictedLabelColumnName", options.PredictedLabelColumnName) })
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        FineTuningRecipe.CheckSchedule(options.BatchSize, options.MaxEpochs, options.LearningRate, options.EvaluateEverySteps, options.EarlyStoppingPatience);
        if (options.MaxSequenceLength < 4) throw new ArgumentOutOfRangeException(nameof(options.MaxSequenceLength), options.MaxSequenceLength, "MaxSequenceLength must be at least 4.");
        FineTuningRecipe.CheckSource(options.ModelPath, options.Preset, options.TokenizerPath);
    }

    /// <summary>The library options these trainer options stand for (<see cref="TaskModelOptions.For"/> with this trainer's settings).</summary>
    internal TaskModelOptions TaskOptions(int trainCount, bool hasValidation) => FineTuningRecipe.Build(_options.Method, _options.LearningRate,
        _options.BatchSize, _options.MaxEpochs, _options.MaxSteps, _options.MaxSequenceLength, _options.LoraRank, _options.LoraAlpha, _options.AdapterSize,
        _options.Seed, trainCount, hasValidation, _options.EvaluateEverySteps, _options.EarlyStoppingPatience);

    private static readonly ColumnExpectation Text = ColumnExpectation.Scalar(TextDataViewType.Instance);

    /// <summary>The input shape plus Score (Vector&lt;Single&gt; with score annotations) and PredictedLabel (Key&lt;UInt32&gt; with KeyValues).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A text column is missing or not String, or the label is not Key&lt;UInt32&gt;.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.Require(inputSchema, _options.Sentence1ColumnName, Text);
        if (_options.Sentence2ColumnName != null) SchemaChecks.Require(inputSchema, _options.Sentence2ColumnName, Text);
        var label = SchemaChecks.Require(inputSchema, _options.LabelColumnName, ColumnExpectation.ScalarKey(), "label");
        if (!label.ItemType.Equals(NumberDataViewType.UInt32))
            throw SchemaChecks.Mismatch("label", label.Name, "Key<UInt32>", SchemaShapes.TypeString(label));
        var keyValues = LabelKeyValues.ShapeFor(label);
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Column(_options.ScoreColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false, AnnotationHelpers.ScoreShape(true)),
            SchemaShapes.Column(_options.PredictedLabelColumnName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true, keyValues));
    }

    private DataViewSchema.Column CheckInput(DataViewSchema schema)
    {
        SchemaChecks.Require(schema, _options.Sentence1ColumnName, Text);
        if (_options.Sentence2ColumnName != null) SchemaChecks.Require(schema, _options.Sentence2ColumnName, Text);
        var label = SchemaChecks.Require(schema, _options.LabelColumnName, ColumnExpectation.ScalarKey(), "label");
        if (label.Type.RawType != typeof(uint))
            throw SchemaChecks.Mismatch("label", label.Name, "Key<UInt32>", label.Type.ToString() ?? "");
        return label;
    }

    /// <summary>Fine-tunes on <paramref name="input"/> and returns the fitted transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <exception cref="InvalidDataException">A row's label key is missing (0); the message gives the row.</exception>
    public LlmTextClassificationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var label = CheckInput(input.Schema);
        var keyValues = LabelKeyValues.FromLabel(label);
        var classes = keyValues.Texts;
        if (classes.Length < 2) throw new ArgumentException($"Label column '{label.Name}' has {classes.Length} class; classification needs at least two.", nameof(input));
        var train = ClassificationRows.Read(input, _options.Sentence1ColumnName, _options.Sentence2ColumnName, label, classes);
        List<TextClassificationExample>? validation = null;
        if (_options.ValidationSet != null)
            validation = ClassificationRows.Read(_options.ValidationSet, _options.Sentence1ColumnName, _options.Sentence2ColumnName,
                CheckInput(_options.ValidationSet.Schema), classes);

        var (tokenizer, source) = FineTuningRecipe.Source(_options.ModelPath, _options.Preset, _options.Family, _options.TokenizerPath, _options.Seed);
        var taskOptions = TaskOptions(train.Count, validation != null) with { Pooling = _options.FeatureExtractionPooling.ToMode() };
        var classifier = TextClassifier.Train(source, tokenizer, train, taskOptions, new LabelMap(classes), validation);
        classifier.InferenceEngine = Onnx.LlmInferenceEngines.ToTaskEngine(_options.InferenceEngine);
        return LlmTextClassificationTransformer.FromTrained(classifier, _options, keyValues);
    }
}
