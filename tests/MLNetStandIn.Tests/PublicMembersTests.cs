// Member-level check of the stand-in's main entry types against the signatures in mlnet-api.md section 1:
// the declared public members (by name) are exactly the listed ones, so nothing real ML.NET lacks is public.
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
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void DeclaredPublicMembersAreTheDocumentedOnes(Type type, string[] expected)
    {
        Assert.Equal(expected.Order(StringComparer.Ordinal), DeclaredPublicNames(type));
    }
}
