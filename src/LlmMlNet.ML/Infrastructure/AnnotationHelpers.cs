// The annotations ML.NET's own classifiers put on their outputs, built from public members only: KeyValues copied
// from the label onto PredictedLabel (so MapKeyToValue works downstream), and the score column's ScoreColumnKind,
// ScoreValueKind and SlotNames. Both as DataViewSchema annotations and as SchemaShape annotation shapes.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

internal static class AnnotationHelpers
{
    public const string KeyValues = "KeyValues";
    public const string SlotNames = "SlotNames";
    public const string ScoreColumnKind = "ScoreColumnKind";
    public const string ScoreValueKind = "ScoreValueKind";

    /// <summary>Annotations holding only the KeyValues of <paramref name="keyColumn"/>.</summary>
    /// <exception cref="InvalidOperationException">The column has no KeyValues annotation.</exception>
    public static DataViewSchema.Annotations CopyKeyValues(DataViewSchema.Column keyColumn)
    {
        SchemaChecks.RequireKeyValues(keyColumn);
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(keyColumn.Annotations, kind => kind == KeyValues);
        return builder.ToAnnotations();
    }

    /// <summary>The text form of a key column's KeyValues (ToString of each value), or null when it has none.</summary>
    public static string[]? KeyValueTexts(DataViewSchema.Column keyColumn)
    {
        if (keyColumn.Annotations.Schema.GetColumnOrNull(KeyValues) is not { Type: VectorDataViewType type }) return null;
        var method = typeof(AnnotationHelpers).GetMethod(nameof(ReadTexts), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        return (string[])method.MakeGenericMethod(type.ItemType.RawType).Invoke(null, [keyColumn])!;
    }

    private static string[] ReadTexts<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(KeyValues, ref values);
        return values.DenseValues().Select(v => v?.ToString() ?? "").ToArray();
    }

    /// <summary>Score column annotations: ScoreColumnKind (e.g. "MulticlassClassification"), ScoreValueKind ("Score") and optional SlotNames.</summary>
    public static DataViewSchema.Annotations Score(string scoreColumnKind, string scoreValueKind, IReadOnlyList<string>? slotNames)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.AddPrimitiveValue(ScoreColumnKind, TextDataViewType.Instance, scoreColumnKind.AsMemory());
        builder.AddPrimitiveValue(ScoreValueKind, TextDataViewType.Instance, scoreValueKind.AsMemory());
        if (slotNames is { Count: > 0 })
        {
            var names = slotNames.Select(n => n.AsMemory()).ToArray();
            builder.Add(SlotNames, new VectorDataViewType(TextDataViewType.Instance, names.Length),
                (ref VBuffer<ReadOnlyMemory<char>> dst) => dst = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone()));
        }
        return builder.ToAnnotations();
    }

    /// <summary>The annotation shapes matching <see cref="Score"/>.</summary>
    public static SchemaShape ScoreShape(bool withSlotNames)
    {
        var columns = new List<SchemaShape.Column>
        {
            SchemaShapes.Column(ScoreColumnKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance),
            SchemaShapes.Column(ScoreValueKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance),
        };
        if (withSlotNames) columns.Add(SchemaShapes.Column(SlotNames, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance));
        return new SchemaShape(columns);
    }

    /// <summary>The KeyValues annotation shape of a key column shape, for a PredictedLabel that copies the label's.</summary>
    /// <exception cref="InvalidOperationException">The label shape has no KeyValues annotation.</exception>
    public static SchemaShape KeyValuesShape(SchemaShape.Column label)
    {
        if (!SchemaShapes.TryFindColumn(label.Annotations, KeyValues, out var keyValues))
            throw new InvalidOperationException($"Input column '{label.Name}' doesn't contain key values metadata");
        return new SchemaShape([keyValues]);
    }
}
