// SchemaShapes (reflection-built columns, the public twin of SchemaShape.Create) and SchemaChecks messages.
using LlmMlNet.ML.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Infrastructure;

public class SchemaInfrastructureTests
{
    public class Row
    {
        public string Text = "";
        public float Value;
        [VectorType(3)] public float[] Fixed = [0, 0, 0];
        public float[] Variable = [];
        [KeyType(5)] public uint Key;
    }

    [Fact]
    public void ColumnIsBuiltThroughTheNonPublicCtorAndKeepsMlNetValidation()
    {
        var column = SchemaShapes.Column("Score", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single);
        Assert.Equal("Score", column.Name);
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, column.Kind);
        Assert.Equal(NumberDataViewType.Single, column.ItemType);
        Assert.Empty(column.Annotations);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SchemaShapes.Column("K", SchemaShape.Column.VectorKind.Scalar, new KeyDataViewType(typeof(uint), 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SchemaShapes.Column("K", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, isKey: true));
    }

    [Fact]
    public void TheReflectedColumnConstructorIsTheOneMlNetItselfUses()
    {
        // The one internal API we touch: SchemaShape.Column's non-public (name, kind, item type, isKey, annotations) constructor.
        // If a Microsoft.ML release renames or reshapes it, this fails first (and SchemaShapes throws naming the constructor).
        var ctor = typeof(SchemaShape.Column).GetConstructor(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance,
            [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)]);
        Assert.NotNull(ctor);
        // A column ML.NET builds itself (CopyColumns' output shape) equals ours field by field.
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a" } });
        var mlNets = ml.Transforms.CopyColumns("Copy", "Fixed").GetOutputSchema(SchemaShapes.FromSchema(data.Schema)).Single(c => c.Name == "Copy");
        var ours = SchemaShapes.Column("Copy", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single);
        Assert.Equal((mlNets.Name, mlNets.Kind, mlNets.ItemType, mlNets.IsKey), (ours.Name, ours.Kind, ours.ItemType, ours.IsKey));
    }

    [Fact]
    public void FromSchemaDescribesKindsKeysAndAnnotations()
    {
        var ml = new MLContext(1);
        // Microsoft.ML reads an empty string as a missing value, which gets no key: the row needs text.
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a" } });
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", "Text").Fit(data).Transform(data);
        var shape = SchemaShapes.FromSchema(keyed.Schema);
        Assert.Equal(new[] { "Text", "Value", "Fixed", "Variable", "Key", "Label" }, shape.Select(c => c.Name));
        Assert.Equal("Vector<Single>", SchemaShapes.TypeString(shape[2]));
        Assert.Equal("VarVector<Single>", SchemaShapes.TypeString(shape[3]));
        Assert.True(shape[4].IsKey);
        Assert.Equal(NumberDataViewType.UInt32, shape[4].ItemType);
        Assert.True(SchemaShapes.TryFindColumn(shape[5].Annotations, "KeyValues", out var keyValues));
        Assert.Equal(TextDataViewType.Instance, keyValues.ItemType);
    }

    [Fact]
    public void ChecksNameColumnAndExpectedTypeForShapesAndSchemas()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row() });
        var text = ColumnExpectation.Scalar(TextDataViewType.Instance);

        var onShape = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.Require(SchemaShapes.FromSchema(data.Schema), "Value", text));
        Assert.Contains("Schema mismatch for input column 'Value': expected String, got Single", onShape.Message);
        var onSchema = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.Require(data.Schema, "Value", text));
        Assert.Contains("Schema mismatch for input column 'Value': expected String, got Single", onSchema.Message);
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.Require(data.Schema, "Nope", text));
        Assert.Contains("Could not find input column 'Nope'", missing.Message);

        var either = ColumnExpectation.OneOf(ColumnExpectation.Scalar(NumberDataViewType.Single), ColumnExpectation.ScalarKey());
        Assert.Equal("Key", SchemaChecks.Require(data.Schema, "Key", either).Name);
        var wrong = Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.Require(data.Schema, "Fixed", either));
        Assert.Contains("expected Single or Key, got Vector<Single, 3>", wrong.Message);
        Assert.Equal("Fixed", SchemaChecks.Require(data.Schema, "Fixed", ColumnExpectation.KnownSizeVector(NumberDataViewType.Single)).Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => SchemaChecks.Require(data.Schema, "Variable", ColumnExpectation.KnownSizeVector(NumberDataViewType.Single)));
        Assert.Throws<InvalidOperationException>(() => SchemaChecks.RequireKeyValues(data.Schema["Key"]));
    }

    [Theory]
    [InlineData("String")]
    [InlineData("Single")]
    [InlineData("Boolean")]
    [InlineData("Key<UInt32, 3>")]
    [InlineData("Vector<Single, 2, 4>")]
    [InlineData("Vector<Key<UInt32, 7>, 0>")]
    public void ColumnTypeTextRoundTrips(string text)
    {
        Assert.Equal(text, ColumnTypeText.Format(ColumnTypeText.Parse(text)));
        Assert.Throws<FormatException>(() => ColumnTypeText.Parse(text + "?"));
    }
}
