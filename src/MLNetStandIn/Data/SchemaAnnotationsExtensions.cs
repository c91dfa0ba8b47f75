// Public helpers of Microsoft.ML.Data for reading well-known annotations (KeyValues, SlotNames, IsNormalized)
// and whole columns. Same names and shapes as ML.NET; only the overloads LlmMlNet uses.
namespace Microsoft.ML.Data;

/// <summary>Reads the well-known annotations of a column.</summary>
public static class SchemaAnnotationsExtensions
{
    /// <summary>Whether the column is a vector with a SlotNames annotation of matching size.</summary>
    public static bool HasSlotNames(this DataViewSchema.Column column) =>
        column.Type is VectorDataViewType { IsKnownSize: true } vector
        && column.Annotations.Schema.GetColumnOrNull("SlotNames") is { Type: VectorDataViewType { ItemType: TextDataViewType } names }
        && names.Size == vector.Size;

    /// <summary>Reads the SlotNames annotation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column has no SlotNames.</exception>
    public static void GetSlotNames(this DataViewSchema.Column column, ref VBuffer<ReadOnlyMemory<char>> slotNames) =>
        column.Annotations.GetValue("SlotNames", ref slotNames);

    /// <summary>Whether the column (or its items) is a key with a KeyValues annotation, optionally of the given item type.</summary>
    public static bool HasKeyValues(this DataViewSchema.Column column, PrimitiveDataViewType? keyValueItemType = null)
    {
        var item = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
        if (item is not KeyDataViewType key) return false;
        return column.Annotations.Schema.GetColumnOrNull("KeyValues") is { Type: VectorDataViewType values }
            && (ulong)values.Size == key.Count
            && (keyValueItemType == null || values.ItemType.Equals(keyValueItemType));
    }

    /// <summary>Reads the KeyValues annotation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column has no KeyValues.</exception>
    public static void GetKeyValues<TValue>(this DataViewSchema.Column column, ref VBuffer<TValue> keyValues) =>
        column.Annotations.GetValue("KeyValues", ref keyValues);

    /// <summary>Whether the column carries IsNormalized = true.</summary>
    public static bool IsNormalized(this DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("IsNormalized") is not { Type: BooleanDataViewType }) return false;
        bool value = false;
        column.Annotations.GetValue("IsNormalized", ref value);
        return value;
    }
}

/// <summary>Reads a whole column of a data view.</summary>
public static class ColumnCursorExtensions
{
    /// <summary>The values of <paramref name="columnName"/>, lazily; T must be the column's raw type.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such column.</exception>
    public static IEnumerable<T> GetColumn<T>(this IDataView data, string columnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.GetColumn<T>(data.Schema[columnName]);
    }

    /// <summary>The values of <paramref name="column"/>, lazily; T must be the column's raw type.</summary>
    public static IEnumerable<T> GetColumn<T>(this IDataView data, DataViewSchema.Column column)
    {
        ArgumentNullException.ThrowIfNull(data);
        RowChecks.CheckType<T>(column);
        return Enumerate();

        IEnumerable<T> Enumerate()
        {
            using var cursor = data.GetRowCursor([column]);
            var getter = cursor.GetGetter<T>(column);
            while (cursor.MoveNext())
            {
                T value = default!;
                getter(ref value);
                yield return value;
            }
        }
    }
}
