// Behaviour of the DataView core: schema building and hiding, annotations, column types, VBuffer and its editor.
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MLNetStandIn.Tests;

public class DataViewTests
{
    [Fact]
    public void SchemaBuilderHidesEarlierDuplicateAndIndexerNamesMissingColumn()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("A", NumberDataViewType.Single);
        builder.AddColumn("B", TextDataViewType.Instance);
        builder.AddColumn("A", BooleanDataViewType.Instance);
        var schema = builder.ToSchema();

        Assert.Equal(3, schema.Count);
        Assert.True(schema[0].IsHidden);
        Assert.False(schema[2].IsHidden);
        Assert.Equal(2, schema["A"].Index);
        Assert.Equal(BooleanDataViewType.Instance, schema["A"].Type);
        Assert.Null(schema.GetColumnOrNull("Z"));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => schema["Z"]);
        Assert.Contains("Column 'Z' not found", error.Message);
        Assert.Equal("3 columns", schema.ToString());
    }

    [Fact]
    public void AnnotationsAreReadWithTheirRawTypeOnly()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        var names = new[] { "neg".AsMemory(), "pos".AsMemory() };
        annotations.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, 2),
            (ref VBuffer<ReadOnlyMemory<char>> dst) => dst = new VBuffer<ReadOnlyMemory<char>>(2, names));
        annotations.AddPrimitiveValue("IsNormalized", BooleanDataViewType.Instance, true);
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), 2), annotations.ToAnnotations());
        var column = builder.ToSchema()["Label"];

        VBuffer<ReadOnlyMemory<char>> values = default;
        column.Annotations.GetValue("KeyValues", ref values);
        Assert.Equal(new[] { "neg", "pos" }, values.DenseValues().Select(v => v.ToString()));
        Assert.True(column.HasKeyValues(TextDataViewType.Instance));
        Assert.True(column.IsNormalized());
        float wrong = 0;
        Assert.Throws<InvalidOperationException>(() => column.Annotations.GetValue("IsNormalized", ref wrong));
        Assert.Throws<ArgumentOutOfRangeException>(() => column.Annotations.GetValue("SlotNames", ref values));
        Assert.Throws<ArgumentException>(() => annotations.Add("X", NumberDataViewType.Single, (ref double d) => d = 1));
    }

    [Fact]
    public void ColumnTypesHaveMlNetNamesAndValueEquality()
    {
        Assert.Equal("String", TextDataViewType.Instance.ToString());
        Assert.Equal("Single", NumberDataViewType.Single.ToString());
        Assert.Equal("Vector<Single, 3>", new VectorDataViewType(NumberDataViewType.Single, 3).ToString());
        Assert.Equal("Vector<Single>", new VectorDataViewType(NumberDataViewType.Single).ToString());
        Assert.Equal("Key<UInt32, 0-4>", new KeyDataViewType(typeof(uint), 5).ToString());
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), new VectorDataViewType(NumberDataViewType.Single, 3));
        Assert.NotEqual(new VectorDataViewType(NumberDataViewType.Single, 3), new VectorDataViewType(NumberDataViewType.Single, 4));
        Assert.Equal(new KeyDataViewType(typeof(uint), 5), new KeyDataViewType(typeof(uint), 5));
        Assert.Equal(typeof(VBuffer<float>), new VectorDataViewType(NumberDataViewType.Single, 2, 3).RawType);
        Assert.Equal(6, new VectorDataViewType(NumberDataViewType.Single, 2, 3).Size);
        Assert.False(new VectorDataViewType(NumberDataViewType.Single).IsKnownSize);
        Assert.Throws<ArgumentException>(() => new KeyDataViewType(typeof(int), 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyDataViewType(typeof(byte), 300UL));
        Assert.True(KeyDataViewType.IsValidDataType(typeof(ulong)));
    }

    [Fact]
    public void SparseVBufferReadsDenselyAndCopies()
    {
        var sparse = new VBuffer<float>(5, 2, [3f, 7f], [1, 4]);
        Assert.False(sparse.IsDense);
        Assert.Equal(new[] { 0f, 3f, 0f, 0f, 7f }, sparse.DenseValues());
        Assert.Equal(7f, sparse.GetItemOrDefault(4));
        Assert.Equal(0f, sparse.GetItemOrDefault(2));
        Assert.Equal(new[] { 1, 4 }, sparse.GetIndices().ToArray());
        Assert.Equal(new[] { new KeyValuePair<int, float>(1, 3f), new KeyValuePair<int, float>(4, 7f) }, sparse.Items());

        VBuffer<float> dense = default;
        sparse.CopyToDense(ref dense);
        Assert.True(dense.IsDense);
        Assert.Equal(new[] { 0f, 3f, 0f, 0f, 7f }, dense.GetValues().ToArray());

        VBuffer<float> slice = default;
        sparse.CopyTo(ref slice, 1, 3);
        Assert.Equal(new[] { 3f, 0f, 0f }, slice.DenseValues());

        var span = new float[7];
        sparse.CopyTo(span, 2, -1f);
        Assert.Equal(new[] { 0f, 0f, -1f, 3f, -1f, -1f, 7f }, span);
    }

    [Fact]
    public void EditorReusesLargeEnoughArraysAndCommitsLength()
    {
        VBuffer<float> buffer = default;
        var editor = VBufferEditor.Create(ref buffer, 4);
        Assert.True(editor.CreatedNewValues);
        for (int i = 0; i < 4; i++) editor.Values[i] = i + 1;
        buffer = editor.Commit();
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, buffer.DenseValues());

        var smaller = VBufferEditor.Create(ref buffer, 2);
        Assert.False(smaller.CreatedNewValues);
        smaller.Values[0] = 9;
        buffer = smaller.Commit();
        Assert.Equal(2, buffer.Length);
        Assert.Equal(new[] { 9f, 2f }, buffer.DenseValues());
        var sparse = VBufferEditor.Create(ref buffer, 5, valuesCount: 2);
        sparse.Values[0] = 4;
        sparse.Indices[0] = 3;
        var truncated = sparse.CommitTruncated(1);
        Assert.Equal(new[] { 0f, 0f, 0f, 4f, 0f }, truncated.DenseValues());
    }
}
