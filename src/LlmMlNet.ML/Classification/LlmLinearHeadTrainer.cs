// Our linear head on embedding vectors: a multiclass trainer (softmax regression from the Tasks API, full-batch
// AdamW, deterministic) over a known-size Vector<Single> features column such as ExtractTransformerFeatures'
// output, with a Key<UInt32> label. Its transformer outputs softmax Score and a Key PredictedLabel, like any ML.NET
// multiclass trainer. Not an encoder: the features are computed upstream.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Classification;

/// <summary>Trains a softmax-regression head on a features vector. Created by <see cref="LlmTrainersCatalog.LlmLinearHead"/>.</summary>
public sealed class LlmLinearHeadTrainer : IEstimator<LlmLinearHeadTransformer>
{
    /// <summary>Default values.</summary>
    public static class Defaults
    {
        /// <summary>Full-batch AdamW steps: <see cref="SoftmaxRegressionOptions.Defaults.Steps"/> (300).</summary>
        public const int Steps = SoftmaxRegressionOptions.Defaults.Steps;

        /// <summary>Constant learning rate: <see cref="SoftmaxRegressionOptions.Defaults.LearningRate"/> (0.05).</summary>
        public const float LearningRate = SoftmaxRegressionOptions.Defaults.LearningRate;
    }

    private readonly string _label, _features, _score, _predicted;
    private readonly SoftmaxRegressionOptions _training;

    /// <summary>Creates the trainer.</summary>
    /// <exception cref="ArgumentException">A column name is empty, steps negative or the learning rate not positive.</exception>
    public LlmLinearHeadTrainer(string labelColumnName, string featureColumnName, string scoreColumnName, string predictedLabelColumnName,
        int steps, float learningRate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(scoreColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(predictedLabelColumnName);
        (_label, _features, _score, _predicted) = (labelColumnName, featureColumnName, scoreColumnName, predictedLabelColumnName);
        _training = new SoftmaxRegressionOptions { Steps = steps, LearningRate = learningRate }.Validate();
    }

    private static readonly ColumnExpectation Features = ColumnExpectation.KnownSizeVector(NumberDataViewType.Single);

    /// <summary>The input shape plus Score and PredictedLabel.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The features are not a known-size vector of Single or the label is not Key&lt;UInt32&gt;.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.Require(inputSchema, _features, Features);
        var label = SchemaChecks.Require(inputSchema, _label, ColumnExpectation.ScalarKey(), "label");
        if (!label.ItemType.Equals(NumberDataViewType.UInt32)) throw SchemaChecks.Mismatch("label", label.Name, "Key<UInt32>", SchemaShapes.TypeString(label));
        var keyValues = LabelKeyValues.ShapeFor(label);
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Column(_score, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false, AnnotationHelpers.ScoreShape(true)),
            SchemaShapes.Column(_predicted, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true, keyValues));
    }

    /// <summary>Reads every row's features and label and trains the head.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <exception cref="InvalidDataException">A row's label key is missing (0); the message gives the row.</exception>
    public LlmLinearHeadTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = SchemaChecks.Require(input.Schema, _features, Features);
        var label = SchemaChecks.Require(input.Schema, _label, ColumnExpectation.ScalarKey(), "label");
        if (label.Type.RawType != typeof(uint)) throw SchemaChecks.Mismatch("label", label.Name, "Key<UInt32>", label.Type.ToString() ?? "");
        var keyValues = LabelKeyValues.FromLabel(label);
        var classes = keyValues.Texts;
        int size = ((VectorDataViewType)features.Type).Size;
        var values = new List<float>();
        var gold = new List<int>();
        using (var cursor = input.GetRowCursor([features, label]))
        {
            var readFeatures = RowReaders.SingleVector(cursor, features.Name);
            var readKey = RowReaders.Key(cursor, label.Name);
            while (cursor.MoveNext())
            {
                uint key = readKey();
                if (key == 0 || key > classes.Length)
                    throw new InvalidDataException($"Row {gold.Count}: label column '{label.Name}' has a missing key (value {key}); every training row needs a label of 1..{classes.Length}.");
                values.AddRange(readFeatures());
                gold.Add((int)key - 1);
            }
        }
        var head = new SoftmaxRegression(size, classes.Length);
        head.Train(values.ToArray(), gold.ToArray(), _training);
        var settings = new LlmLinearHeadTransformer.Settings(_features, _score, _predicted, classes, size,
            head.Parameters.View("weight").ToArray(), head.Parameters.View("bias").ToArray(), keyValues.ItemTypeName);
        return new LlmLinearHeadTransformer(settings);
    }
}
