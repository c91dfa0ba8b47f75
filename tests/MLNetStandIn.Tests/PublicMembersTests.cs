// Member-level check of the stand-in's main entry types against the signatures in mlnet-api.md section 1:
// the declared public members (by name) are exactly the listed ones, so nothing real ML.NET lacks is public.
// Every non-enum, non-delegate public type with members is listed (the ML.NET transform estimators and transformers
// only add Fit/GetOutputSchema/Transform, which their interfaces fix).
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MLNetStandIn.Tests;

public class PublicMembersTests
{
    private static string[] DeclaredPublicNames(Type type) =>
        type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m is not MethodInfo { IsSpecialName: true } && m is not Type)
            .Where(m => m.Name is not ("Equals" or "GetHashCode" or "ToString"))
            .Select(m => m is ConstructorInfo ? ".ctor" : m.Name)
            .Distinct().Order(StringComparer.Ordinal).ToArray();

    public static TheoryData<Type, string[]> Expected => new()
    {
        { typeof(MLContext), ["BinaryClassification", "ComponentCatalog", "Data", "FallbackToCpu", "GpuDeviceId", "Log", "Model",
            "MulticlassClassification", "Regression", "TempFilePath", "Transforms", ".ctor"] },
        { typeof(DataOperationsCatalog), ["CreateEnumerable", "LoadFromEnumerable", "TrainTestSplit"] },
        { typeof(ModelOperationsCatalog), ["CreatePredictionEngine", "Load", "Save"] },
        { typeof(SchemaShape), ["Count", "GetEnumerator", "Item", ".ctor"] },
        { typeof(SchemaShape.Column), ["Annotations", "IsKey", "ItemType", "Kind", "Name"] },
        { typeof(DataViewSchema), ["Count", "GetColumnOrNull", "GetEnumerator", "Item"] },
        { typeof(DataViewSchema.Column), ["Annotations", "Index", "IsHidden", "Name", "Type"] },
        { typeof(DataViewSchema.Annotations), ["Empty", "GetGetter", "GetValue", "Schema"] },
        { typeof(EstimatorChain<ITransformer>), ["Append", "Fit", "GetOutputSchema", "LastEstimator", ".ctor"] },
        { typeof(TransformerChain<ITransformer>), ["Append", "Dispose", "GetEnumerator", "GetModelFor", "GetOutputSchema", "LastTransformer",
            "Transform", ".ctor"] },
        { typeof(PredictionEngineBase<object, object>), ["Dispose", "OutputSchema", "Predict"] },
        { typeof(PredictionEngine<object, object>), ["Predict"] },
        { typeof(VBuffer<float>), ["Copy", "CopyTo", "CopyToDense", "DenseValues", "GetEnumerator", "GetIndices", "GetItemOrDefault",
            "GetValues", "IsDense", "Items", "Length", ".ctor"] },
        { typeof(VectorDataViewType), ["Dimensions", "IsKnownSize", "ItemType", "Size", ".ctor"] },
        { typeof(KeyDataViewType), ["Count", "IsValidDataType", ".ctor"] },
        { typeof(MulticlassClassificationCatalog), ["Evaluate", "Trainers"] },
        { typeof(BinaryClassificationCatalog), ["Evaluate", "EvaluateNonCalibrated", "Trainers"] },
        { typeof(DataViewRow), ["Batch", "Dispose", "GetGetter", "GetIdGetter", "IsColumnActive", "Position", "Schema"] },
        { typeof(DataViewRowCursor), ["MoveNext"] },
        { typeof(DataViewSchema.Builder), ["AddColumn", "AddColumns", "ToSchema", ".ctor"] },
        { typeof(DataViewSchema.Annotations.Builder), ["Add", "AddPrimitiveValue", "ToAnnotations", ".ctor"] },
        { typeof(DataViewSchema.DetachedColumn), ["Annotations", "Name", "Type", ".ctor"] },
        { typeof(VBufferEditor), ["Create", "CreateFromBuffer"] },
        { typeof(VBufferEditor<float>), ["Commit", "CommitTruncated", "CreatedNewIndices", "CreatedNewValues", "Indices", "Values"] },
        { typeof(DataViewRowId), ["Combine", "CompareTo", "Fork", "High", "Low", "Next", ".ctor"] },
        { typeof(TransformsCatalog), ["Categorical", "Conversion", "FeatureSelection", "Text"] },
        { typeof(ConversionsExtensionsCatalog), ["MapKeyToValue", "MapValueToKey"] },
        { typeof(TransformExtensionsCatalog), ["Concatenate", "CopyColumns", "DropColumns"] },
        { typeof(TextLoaderSaverCatalog), ["LoadFromTextFile"] },
        { typeof(LearningPipelineExtensions), ["Append"] },
        { typeof(SchemaAnnotationsExtensions), ["GetKeyValues", "GetSlotNames", "HasKeyValues", "HasSlotNames", "IsNormalized"] },
        { typeof(ColumnCursorExtensions), ["GetColumn"] },
        { typeof(SchemaDefinition), ["Create", "Item"] },
        { typeof(SchemaDefinition.Column), ["ColumnName", "ColumnType", "MemberName"] },
        { typeof(PredictionEngineOptions), ["IgnoreMissingColumns", "InputSchemaDefinition", "OutputSchemaDefinition", "OwnsTransformer", ".ctor"] },
        { typeof(LoggingEventArgs), ["Kind", "Message", "RawMessage", "Source", ".ctor"] },
        { typeof(MulticlassClassificationMetrics), ["ConfusionMatrix", "LogLoss", "LogLossReduction", "MacroAccuracy", "MicroAccuracy", "PerClassLogLoss",
            "TopKAccuracy", "TopKAccuracyForAllK", "TopKPredictionCount"] },
        { typeof(BinaryClassificationMetrics), ["Accuracy", "AreaUnderPrecisionRecallCurve", "AreaUnderRocCurve", "ConfusionMatrix", "F1Score",
            "NegativePrecision", "NegativeRecall", "PositivePrecision", "PositiveRecall"] },
        { typeof(CalibratedBinaryClassificationMetrics), ["Entropy", "LogLoss", "LogLossReduction"] },
        { typeof(ConfusionMatrix), ["Counts", "GetCountForClassPair", "GetFormattedConfusionTable", "NumberOfClasses", "PerClassPrecision", "PerClassRecall"] },
        { typeof(Microsoft.ML.Runtime.ComponentCatalog), ["RegisterAssembly"] },
        { typeof(RegressionCatalog), ["Trainers"] },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void DeclaredPublicMembersAreTheDocumentedOnes(Type type, string[] expected)
    {
        Assert.Equal(expected.Order(StringComparer.Ordinal), DeclaredPublicNames(type));
    }
}
