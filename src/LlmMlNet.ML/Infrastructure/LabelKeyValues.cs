// A classifier's class values: the label column's KeyValues annotation kept with its real item type (VBuffer<T> of
// the original label values: String, Int32, Boolean, ...), so PredictedLabel carries it as ML.NET's trainers do and
// MapKeyToValue gives back the original type. Also the text form (class and slot names) and a text record of type
// and values for persistence. A label without KeyValues gets the key numbers "1".."K" as text.
using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

internal sealed class LabelKeyValues
{
    private readonly Array _values;

    private LabelKeyValues(PrimitiveDataViewType itemType, Array values, string[] texts)
    {
        ItemType = itemType;
        _values = values;
        Texts = texts;
    }

    /// <summary>The item type of the KeyValues vector (the label's original type).</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The values as invariant text, in key order (key k is Texts[k - 1]).</summary>
    public string[] Texts { get; }

    /// <summary>Number of classes.</summary>
    public int Count => Texts.Length;

    /// <summary>The name of <see cref="ItemType"/> as pipeline manifests write it ("String", "Int32", ...).</summary>
    public string ItemTypeName => ColumnTypeText.Format(ItemType);

    /// <summary>
    /// The KeyValues of a key label column; their text when the item type is not text, Boolean or a number (e.g. DateTime);
    /// "1".."Count" as text when it has none (or one of another length, or with duplicate texts).
    /// </summary>
    public static LabelKeyValues FromLabel(DataViewSchema.Column label)
    {
        int count = checked((int)((KeyDataViewType)label.Type).Count);
        if (label.Annotations.Schema.GetColumnOrNull(AnnotationHelpers.KeyValues) is { Type: VectorDataViewType { ItemType: var item } })
        {
            var values = (Array)Generic(nameof(Read), item.RawType).Invoke(null, [label])!;
            if (values.Length == count && IsRecordable(item))
            {
                var texts = values.Cast<object?>().Select(Format).ToArray();
                if (texts.Distinct(StringComparer.Ordinal).Count() == count) return new LabelKeyValues(item, values, texts);
            }
        }
        return FromText(Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>Text class values (KeyValues of String).</summary>
    public static LabelKeyValues FromText(string[] texts) =>
        new(TextDataViewType.Instance, texts.Select(t => t.AsMemory()).ToArray(), texts);

    /// <summary>Rebuilds values saved as <see cref="ItemTypeName"/> and <see cref="Texts"/>; a null type name means text.</summary>
    /// <exception cref="InvalidDataException">The type name is unknown or a value does not parse as that type.</exception>
    public static LabelKeyValues FromRecord(string? itemTypeName, string[] texts)
    {
        if (itemTypeName == null || itemTypeName == "String") return FromText(texts);
        DataViewType type;
        try
        {
            type = ColumnTypeText.Parse(itemTypeName);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"Key values type '{itemTypeName}' is not a primitive column type.", e);
        }
        if (type is not PrimitiveDataViewType item || type is KeyDataViewType)
            throw new InvalidDataException($"Key values type '{itemTypeName}' is not a primitive column type.");
        var values = Array.CreateInstance(item.RawType, texts.Length);
        for (int i = 0; i < texts.Length; i++)
        {
            try
            {
                values.SetValue(item.RawType == typeof(bool) ? bool.Parse(texts[i]) : Convert.ChangeType(texts[i], item.RawType, CultureInfo.InvariantCulture), i);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new InvalidDataException($"Key value {i} '{texts[i]}' is not a valid {itemTypeName}.", e);
            }
        }
        return new LabelKeyValues(item, values, texts);
    }

    /// <summary>Annotations holding KeyValues = Vector&lt;ItemType, Count&gt; of the values.</summary>
    public DataViewSchema.Annotations ToAnnotations()
    {
        var builder = new DataViewSchema.Annotations.Builder();
        Generic(nameof(AddTo), ItemType.RawType).Invoke(this, [builder]);
        return builder.ToAnnotations();
    }

    /// <summary>
    /// The KeyValues annotation shape a PredictedLabel gets from a label shape, matching <see cref="FromLabel"/>: the label's own,
    /// else (none, or an item type kept as text) Vector&lt;String&gt;.
    /// </summary>
    public static SchemaShape ShapeFor(SchemaShape.Column label)
    {
        if (label.Annotations != null && SchemaShapes.TryFindColumn(label.Annotations, AnnotationHelpers.KeyValues, out var keyValues)
            && keyValues.ItemType is PrimitiveDataViewType item && IsRecordable(item))
            return new SchemaShape([keyValues]);
        return new SchemaShape([SchemaShapes.Column(AnnotationHelpers.KeyValues, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance)]);
    }

    private void AddTo<T>(DataViewSchema.Annotations.Builder builder)
    {
        var values = (T[])_values;
        builder.Add(AnnotationHelpers.KeyValues, new VectorDataViewType(ItemType, values.Length),
            (ref VBuffer<T> dst) => dst = new VBuffer<T>(values.Length, (T[])values.Clone()));
    }

    private static T[] Read<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.Annotations.GetValue(AnnotationHelpers.KeyValues, ref values);
        return values.DenseValues().ToArray();
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        ReadOnlyMemory<char> text => text.ToString(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static bool IsRecordable(PrimitiveDataViewType type)
    {
        try
        {
            ColumnTypeText.Format(type);
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    private static MethodInfo Generic(string name, Type type) =>
        typeof(LabelKeyValues).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance)!.MakeGenericMethod(type);
}
