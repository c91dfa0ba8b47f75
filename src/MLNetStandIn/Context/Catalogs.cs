// The catalogs hanging off MLContext that carry no logic of their own: TransformsCatalog with its sub-catalogs,
// the trainer catalogs (their nested ...Trainers classes are empty so extension methods can hang off them),
// and the TrainCatalogBase. All ctors internal, as in ML.NET. Evaluate lives in Evaluation/.
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>Data transformations; extension methods add the concrete ones.</summary>
public sealed class TransformsCatalog
{
    internal TransformsCatalog()
    {
        Categorical = new CategoricalTransforms();
        Conversion = new ConversionTransforms();
        Text = new TextTransforms();
        FeatureSelection = new FeatureSelectionTransforms();
    }

    /// <summary>Categorical transforms.</summary>
    public CategoricalTransforms Categorical { get; }

    /// <summary>Type conversions (MapValueToKey, MapKeyToValue).</summary>
    public ConversionTransforms Conversion { get; }

    /// <summary>Text transforms.</summary>
    public TextTransforms Text { get; }

    /// <summary>Feature selection transforms.</summary>
    public FeatureSelectionTransforms FeatureSelection { get; }

    /// <summary>Categorical transforms (extension point).</summary>
    public sealed class CategoricalTransforms
    {
        internal CategoricalTransforms()
        {
        }
    }

    /// <summary>Conversion transforms (extension point).</summary>
    public sealed class ConversionTransforms
    {
        internal ConversionTransforms()
        {
        }
    }

    /// <summary>Text transforms (extension point).</summary>
    public sealed class TextTransforms
    {
        internal TextTransforms()
        {
        }
    }

    /// <summary>Feature selection transforms (extension point).</summary>
    public sealed class FeatureSelectionTransforms
    {
        internal FeatureSelectionTransforms()
        {
        }
    }
}

/// <summary>Base of the trainer catalogs.</summary>
public abstract class TrainCatalogBase
{
    private protected TrainCatalogBase()
    {
    }
}

/// <summary>Binary classification: trainers and evaluation.</summary>
public sealed class BinaryClassificationCatalog : TrainCatalogBase
{
    internal BinaryClassificationCatalog() => Trainers = new BinaryClassificationTrainers();

    /// <summary>The trainers (extension point).</summary>
    public BinaryClassificationTrainers Trainers { get; }

    /// <summary>Evaluates scored data with a probability column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    public CalibratedBinaryClassificationMetrics Evaluate(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score",
        string probabilityColumnName = "Probability", string predictedLabelColumnName = "PredictedLabel") =>
        (CalibratedBinaryClassificationMetrics)BinaryEvaluator.Evaluate(data, labelColumnName, scoreColumnName, probabilityColumnName, predictedLabelColumnName);

    /// <summary>Evaluates scored data without a probability column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    public BinaryClassificationMetrics EvaluateNonCalibrated(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel") =>
        BinaryEvaluator.Evaluate(data, labelColumnName, scoreColumnName, null, predictedLabelColumnName);

    /// <summary>Binary classification trainers (extension point).</summary>
    public sealed class BinaryClassificationTrainers
    {
        internal BinaryClassificationTrainers()
        {
        }
    }
}

/// <summary>Multiclass classification: trainers and evaluation.</summary>
public sealed class MulticlassClassificationCatalog : TrainCatalogBase
{
    internal MulticlassClassificationCatalog() => Trainers = new MulticlassClassificationTrainers();

    /// <summary>The trainers (extension point).</summary>
    public MulticlassClassificationTrainers Trainers { get; }

    /// <summary>Evaluates scored data: Score a known-size Single vector (at least 2), Label a Single or a Key.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    public MulticlassClassificationMetrics Evaluate(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel", int topKPredictionCount = 0) =>
        MulticlassEvaluator.Evaluate(data, labelColumnName, scoreColumnName, predictedLabelColumnName, topKPredictionCount);

    /// <summary>Multiclass classification trainers (extension point).</summary>
    public sealed class MulticlassClassificationTrainers
    {
        internal MulticlassClassificationTrainers()
        {
        }
    }
}

/// <summary>Regression trainers.</summary>
public sealed class RegressionCatalog : TrainCatalogBase
{
    internal RegressionCatalog() => Trainers = new RegressionTrainers();

    /// <summary>The trainers (extension point).</summary>
    public RegressionTrainers Trainers { get; }

    /// <summary>Regression trainers (extension point).</summary>
    public sealed class RegressionTrainers
    {
        internal RegressionTrainers()
        {
        }
    }
}
