// Argument checks shared by the stand-in's rows and cursors, with ML.NET's messages: a column must
// belong to the row's schema, be active, and be read with its exact raw type.
namespace Microsoft.ML.Data;

internal static class RowChecks
{
    public static DataViewSchema.Column CheckColumn(DataViewSchema schema, DataViewSchema.Column column, string paramName)
    {
        if (column.Index < 0 || column.Index >= schema.Count || schema[column.Index].Name != column.Name)
            throw new ArgumentOutOfRangeException(paramName, $"Column '{column.Name}' (index {column.Index}) is not in the schema.");
        return schema[column.Index];
    }

    public static int CheckGetter<TValue>(DataViewSchema schema, DataViewSchema.Column column, bool[] active)
    {
        var own = CheckColumn(schema, column, nameof(column));
        if (!active[own.Index])
            throw new InvalidOperationException($"Column '{own.Name}' is not active; request it when creating the cursor.");
        CheckType<TValue>(own);
        return own.Index;
    }

    public static void CheckType<TValue>(DataViewSchema.Column column)
    {
        if (typeof(TValue) != column.Type.RawType)
            throw new InvalidOperationException(
                $"Invalid TValue in GetGetter: '{typeof(TValue)}', expected type: '{column.Type.RawType}'.");
    }
}
