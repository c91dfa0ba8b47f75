// Smaller chain and context behaviours: transformer Append, scopes and GetModelFor, annotation copying with a
// selector, and MLContext defaults.
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MLNetStandIn.Tests;

public class ChainScopeTests
{
    public class Row { public float A; public string Label = ""; }

    [Fact]
    public void TransformerAppendAndScopesSelectSteps()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { A = 1, Label = "x" } });
        var copy = ml.Transforms.CopyColumns("B", "A").Fit(data);
        var key = ml.Transforms.Conversion.MapValueToKey("Key", "Label").Fit(data);
        var chain = copy.Append(key);
        Assert.Same(key, chain.LastTransformer);
        Assert.Equal(new ITransformer[] { copy, key }, chain);

        var scoped = new TransformerChain<ITransformer>([copy, key], [TransformerScope.Everything, TransformerScope.Training]);
        Assert.Null(scoped.Transform(data, TransformerScope.Scoring).Schema.GetColumnOrNull("Key"));
        Assert.NotNull(scoped.Transform(data, TransformerScope.Training).Schema.GetColumnOrNull("Key"));
        Assert.Single(scoped.GetModelFor(TransformerScope.Scoring));
        Assert.Null(scoped.GetOutputSchema(data.Schema, TransformerScope.Testing).GetColumnOrNull("Key"));
    }

    [Fact]
    public void CopyKeepsAnnotationsAndBuilderCopiesSelectedAnnotations()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Label = "x" }, new Row { Label = "y" } });
        var keyed = ml.Transforms.Conversion.MapValueToKey("Key", "Label")
            .Append(ml.Transforms.CopyColumns("Copy", "Key")).Fit(data).Transform(data);
        Assert.True(keyed.Schema["Copy"].HasKeyValues());

        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(keyed.Schema["Key"].Annotations, kind => kind == "KeyValues");
        builder.AddPrimitiveValue("Other", NumberDataViewType.Int32, 3);
        var annotations = builder.ToAnnotations();
        Assert.Equal(new[] { "KeyValues", "Other" }, annotations.Schema.Select(c => c.Name));
        VBuffer<ReadOnlyMemory<char>> values = default;
        annotations.GetValue("KeyValues", ref values);
        Assert.Equal(new[] { "x", "y" }, values.DenseValues().Select(v => v.ToString()));
    }

    [Fact]
    public void ContextDefaultsAndCatalogs()
    {
        var ml = new MLContext();
        Assert.Equal(Path.GetTempPath(), ml.TempFilePath);
        Assert.Null(ml.GpuDeviceId);
        Assert.False(ml.FallbackToCpu);
        Assert.NotNull(ml.MulticlassClassification.Trainers);
        Assert.NotNull(ml.BinaryClassification.Trainers);
        Assert.NotNull(ml.Regression.Trainers);
        Assert.NotNull(ml.Transforms.Conversion);
        ml.ComponentCatalog.RegisterAssembly(typeof(ChainScopeTests).Assembly);
        Assert.Throws<ArgumentNullException>(() => ml.ComponentCatalog.RegisterAssembly(null!));
    }
}
