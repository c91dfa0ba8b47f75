// The stand-in's public surface: exactly the types listed from the ML.NET API notes, and the members that real
// ML.NET keeps internal or private protected are not reachable from outside the assembly.
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MLNetStandIn.Tests;

public class VisibilityTests
{
    private static readonly Assembly StandIn = typeof(MLContext).Assembly;

    /// <summary>Every public type, as listed in mlnet-api.md sections 1 and 6 (a subset of real ML.NET's).</summary>
    private static readonly string[] ExpectedPublicTypes =
    [
        "Microsoft.ML.BinaryClassificationCatalog", "Microsoft.ML.BinaryClassificationCatalog+BinaryClassificationTrainers",
        "Microsoft.ML.ConversionsExtensionsCatalog", "Microsoft.ML.DataOperationsCatalog", "Microsoft.ML.DataOperationsCatalog+TrainTestData",
        "Microsoft.ML.DataViewRow", "Microsoft.ML.DataViewRowCursor", "Microsoft.ML.DataViewSchema", "Microsoft.ML.DataViewSchema+Annotations",
        "Microsoft.ML.DataViewSchema+Annotations+Builder", "Microsoft.ML.DataViewSchema+Builder", "Microsoft.ML.DataViewSchema+Column",
        "Microsoft.ML.DataViewSchema+DetachedColumn", "Microsoft.ML.ICanSaveModel", "Microsoft.ML.IDataLoader`1", "Microsoft.ML.IDataView",
        "Microsoft.ML.IEstimator`1", "Microsoft.ML.ITransformer", "Microsoft.ML.LearningPipelineExtensions", "Microsoft.ML.LoggingEventArgs",
        "Microsoft.ML.MLContext", "Microsoft.ML.ModelOperationsCatalog", "Microsoft.ML.ModelSaveContext",
        "Microsoft.ML.MulticlassClassificationCatalog", "Microsoft.ML.MulticlassClassificationCatalog+MulticlassClassificationTrainers",
        "Microsoft.ML.PredictionEngine`2", "Microsoft.ML.PredictionEngineBase`2", "Microsoft.ML.PredictionEngineOptions",
        "Microsoft.ML.RegressionCatalog", "Microsoft.ML.RegressionCatalog+RegressionTrainers", "Microsoft.ML.SchemaShape",
        "Microsoft.ML.SchemaShape+Column", "Microsoft.ML.SchemaShape+Column+VectorKind", "Microsoft.ML.TextLoaderSaverCatalog",
        "Microsoft.ML.TrainCatalogBase", "Microsoft.ML.TransformExtensionsCatalog", "Microsoft.ML.TransformsCatalog",
        "Microsoft.ML.TransformsCatalog+CategoricalTransforms", "Microsoft.ML.TransformsCatalog+ConversionTransforms",
        "Microsoft.ML.TransformsCatalog+FeatureSelectionTransforms", "Microsoft.ML.TransformsCatalog+TextTransforms", "Microsoft.ML.ValueGetter`1",
        "Microsoft.ML.Data.BinaryClassificationMetrics", "Microsoft.ML.Data.BooleanDataViewType", "Microsoft.ML.Data.CalibratedBinaryClassificationMetrics",
        "Microsoft.ML.Data.ColumnCursorExtensions", "Microsoft.ML.Data.ColumnNameAttribute", "Microsoft.ML.Data.ConfusionMatrix",
        "Microsoft.ML.Data.DataViewRowId", "Microsoft.ML.Data.DataViewType", "Microsoft.ML.Data.EstimatorChain`1", "Microsoft.ML.Data.IRowToRowMapper",
        "Microsoft.ML.Data.KeyDataViewType", "Microsoft.ML.Data.KeyTypeAttribute", "Microsoft.ML.Data.LoadColumnAttribute",
        "Microsoft.ML.Data.MulticlassClassificationMetrics", "Microsoft.ML.Data.NoColumnAttribute", "Microsoft.ML.Data.NumberDataViewType",
        "Microsoft.ML.Data.PrimitiveDataViewType", "Microsoft.ML.Data.RowIdDataViewType", "Microsoft.ML.Data.SchemaAnnotationsExtensions",
        "Microsoft.ML.Data.SchemaDefinition", "Microsoft.ML.Data.SchemaDefinition+Column", "Microsoft.ML.Data.SchemaDefinition+Direction",
        "Microsoft.ML.Data.StructuredDataViewType", "Microsoft.ML.Data.TextDataViewType", "Microsoft.ML.Data.TransformerChain`1",
        "Microsoft.ML.Data.TransformerScope", "Microsoft.ML.Data.VBuffer`1", "Microsoft.ML.Data.VBufferEditor", "Microsoft.ML.Data.VBufferEditor`1",
        "Microsoft.ML.Data.VectorDataViewType", "Microsoft.ML.Data.VectorTypeAttribute", "Microsoft.ML.Runtime.ChannelMessageKind",
        "Microsoft.ML.Runtime.ComponentCatalog", "Microsoft.ML.Transforms.ColumnConcatenatingEstimator",
        "Microsoft.ML.Transforms.ColumnConcatenatingTransformer", "Microsoft.ML.Transforms.ColumnCopyingEstimator",
        "Microsoft.ML.Transforms.ColumnCopyingTransformer", "Microsoft.ML.Transforms.ColumnSelectingEstimator",
        "Microsoft.ML.Transforms.ColumnSelectingTransformer", "Microsoft.ML.Transforms.KeyToValueMappingEstimator",
        "Microsoft.ML.Transforms.KeyToValueMappingTransformer", "Microsoft.ML.Transforms.ValueToKeyMappingEstimator",
        "Microsoft.ML.Transforms.ValueToKeyMappingEstimator+KeyOrdinality", "Microsoft.ML.Transforms.ValueToKeyMappingTransformer",
    ];

    [Fact]
    public void PublicTypesAreExactlyTheListedOnes()
    {
        var actual = StandIn.GetExportedTypes().Select(t => t.FullName!).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var missing = ExpectedPublicTypes.Except(actual).ToArray();
        var extra = actual.Except(ExpectedPublicTypes).ToArray();
        Assert.True(missing.Length == 0 && extra.Length == 0,
            $"missing: {string.Join(", ", missing)}; extra: {string.Join(", ", extra)}");
    }

    private static ConstructorInfo[] PublicOrProtectedCtors(Type type) =>
        type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(c => c.IsPublic || c.IsFamily || c.IsFamilyOrAssembly).ToArray();

    [Theory]
    [InlineData(typeof(SchemaShape.Column))]
    [InlineData(typeof(DataViewSchema.Column))]
    [InlineData(typeof(DataViewSchema.Annotations))]
    [InlineData(typeof(ModelSaveContext))]
    [InlineData(typeof(DataOperationsCatalog))]
    [InlineData(typeof(ModelOperationsCatalog))]
    [InlineData(typeof(TransformsCatalog))]
    [InlineData(typeof(TransformsCatalog.ConversionTransforms))]
    [InlineData(typeof(MulticlassClassificationCatalog))]
    [InlineData(typeof(MulticlassClassificationCatalog.MulticlassClassificationTrainers))]
    [InlineData(typeof(BinaryClassificationCatalog.BinaryClassificationTrainers))]
    [InlineData(typeof(RegressionCatalog.RegressionTrainers))]
    [InlineData(typeof(MulticlassClassificationMetrics))]
    [InlineData(typeof(BinaryClassificationMetrics))]
    [InlineData(typeof(CalibratedBinaryClassificationMetrics))]
    [InlineData(typeof(ConfusionMatrix))]
    [InlineData(typeof(PredictionEngine<object, object>))]
    [InlineData(typeof(DataViewType))]
    [InlineData(typeof(TrainCatalogBase))]
    [InlineData(typeof(DataViewSchema))]
    public void ConstructorsRealMlNetHidesAreNotAccessible(Type type)
    {
        // Value types always have an implicit parameterless ctor that reflection does not list; only declared ones count.
        Assert.Empty(PublicOrProtectedCtors(type));
    }

    [Fact]
    public void SchemaShapeColumnHasTheFiveArgumentNonPublicCtorProjectCodeReflectsOn()
    {
        var ctor = typeof(SchemaShape.Column).GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance)
            .Single(c => c.GetParameters().Length == 5);
        Assert.Equal(
            new[] { typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape) },
            ctor.GetParameters().Select(p => p.ParameterType));
        Assert.True(ctor.IsAssembly);
        Assert.True(typeof(DataViewType).GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance).Single().IsFamilyAndAssembly);
    }

    [Fact]
    public void ModelSaveContextExposesOnlyDispose()
    {
        var members = typeof(ModelSaveContext).GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly);
        Assert.Equal(new[] { "Dispose" }, members.Select(m => m.Name));
        Assert.True(typeof(ModelSaveContext).IsSealed);
    }

    [Fact]
    public void SchemaShapeCreateAndTryFindColumnAreInternal()
    {
        Assert.Null(typeof(SchemaShape).GetMethod("Create", BindingFlags.Public | BindingFlags.Static));
        Assert.Null(typeof(SchemaShape).GetMethod("TryFindColumn", BindingFlags.Public | BindingFlags.Instance));
        Assert.NotNull(typeof(SchemaShape).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Static));
    }
}
