// AnnotationHelpers (KeyValues copied onto a predicted-label column so MapKeyToValue works; score annotations
// read by the evaluator as class names) and RowReaders.
using LlmMlNet.ML.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Infrastructure;

public class AnnotationAndReaderTests
{
    public class Row
    {
        public string Label = "";
        public float Value;
        [VectorType(2)] public float[] Pair = [0, 0];
    }

    private static Row[] Rows() =>
        [new() { Label = "neg", Value = 1, Pair = [1, 2] }, new() { Label = "pos", Value = 2, Pair = [3, 4] }];

    [Fact]
    public void CopiedKeyValuesLetMapKeyToValueDecodeAPredictedKey()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var label = keyed.Schema["Label"];
        Assert.Equal(new[] { "neg", "pos" }, AnnotationHelpers.KeyValueTexts(label));

        var predicted = new BatchedRowMapping<uint, uint>(
            s => [s["Label"]], row => RowReaders.Key(row, "Label"), keys => keys.Select(k => 3 - k).ToArray(),
            [BatchOutputColumn<uint>.Create("PredictedLabel", label.Type, (uint r, ref uint d) => d = r, AnnotationHelpers.CopyKeyValues(label))], 2);
        var decoded = ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel").Fit(predicted.Transform(keyed))
            .Transform(predicted.Transform(keyed));
        Assert.Equal(new[] { "pos", "neg" }, decoded.GetColumn<ReadOnlyMemory<char>>("PredictedText").Select(v => v.ToString()));

        var shape = SchemaShapes.FromSchema(keyed.Schema);
        Assert.True(SchemaShapes.TryFindColumn(shape, "Label", out var labelShape));
        Assert.True(SchemaShapes.TryFindColumn(shape, "Value", out var valueShape));
        Assert.Equal(TextDataViewType.Instance, AnnotationHelpers.KeyValuesShape(labelShape)[0].ItemType);
        Assert.Throws<InvalidOperationException>(() => AnnotationHelpers.KeyValuesShape(valueShape));
        Assert.Throws<InvalidOperationException>(() => AnnotationHelpers.CopyKeyValues(keyed.Schema["Value"]));
    }

    [Fact]
    public void ScoreAnnotationsCarrySlotNamesTheEvaluatorUses()
    {
        var annotations = AnnotationHelpers.Score("MulticlassClassification", "Score", ["neg", "pos"]);
        Assert.Equal(new[] { "ScoreColumnKind", "ScoreValueKind", "SlotNames" }, annotations.Schema.Select(c => c.Name));
        ReadOnlyMemory<char> kind = default;
        annotations.GetValue("ScoreColumnKind", ref kind);
        Assert.Equal("MulticlassClassification", kind.ToString());
        Assert.Equal(annotations.Schema.Select(c => c.Name), AnnotationHelpers.ScoreShape(withSlotNames: true).Select(c => c.Name));

        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Score", new VectorDataViewType(NumberDataViewType.Single, 2), annotations);
        Assert.True(builder.ToSchema()["Score"].HasSlotNames());
    }

    [Fact]
    public void ReadersCopyValuesOutOfTheRow()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        using var cursor = data.GetRowCursor(data.Schema);
        var text = RowReaders.Text(cursor, "Label");
        var value = RowReaders.Single(cursor, "Value");
        var pair = RowReaders.SingleVector(cursor, "Pair");
        var seen = new List<(string, float, float[])>();
        while (cursor.MoveNext()) seen.Add((text(), value(), pair()));
        Assert.Equal(("neg", 1f), (seen[0].Item1, seen[0].Item2));
        Assert.Equal(new[] { 1f, 2f }, seen[0].Item3);
        Assert.Equal(new[] { 3f, 4f }, seen[1].Item3);
    }
}
