// Internal plumbing shared by the stand-in's own transforms: ML.NET's schema-mismatch exceptions and the
// ITransformer members served from a ColumnMapping. Composition, because a public transformer cannot derive
// from an internal base class.
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms;

internal static class SchemaErrors
{
    public static ArgumentOutOfRangeException Missing(string paramName, string role, string column) =>
        new(paramName, $"Could not find {role} column '{column}'");

    public static ArgumentOutOfRangeException Mismatch(string paramName, string role, string column, string expected, string actual) =>
        new(paramName, $"Schema mismatch for {role} column '{column}': expected {expected}, got {actual}");

    public static DataViewSchema.Column Find(DataViewSchema schema, string name, string role = "input") =>
        schema.GetColumnOrNull(name) ?? throw Missing("inputSchema", role, name);

    public static SchemaShape.Column Find(SchemaShape shape, string name, string role = "input") =>
        shape.TryFindColumn(name, out var column) ? column : throw Missing("inputSchema", role, name);
}

internal static class StandInTransformPlumbing
{
    public static IDataView Transform(IDataView input, Func<DataViewSchema, ColumnMapping> map)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MappedDataView(input, map(input.Schema));
    }

    public static IRowToRowMapper Mapper(DataViewSchema inputSchema, Func<DataViewSchema, ColumnMapping> map)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new MappedRowToRowMapper(map(inputSchema));
    }

    /// <summary>A getter factory reading input column <paramref name="source"/> as TIn and mapping it to TOut.</summary>
    public static Func<DataViewRow, Delegate> Map<TIn, TOut>(DataViewSchema.Column source, Func<TIn, TOut> convert) =>
        row =>
        {
            var getter = row.GetGetter<TIn>(source);
            TIn value = default!;
            return (ValueGetter<TOut>)((ref TOut dst) =>
            {
                getter(ref value);
                dst = convert(value);
            });
        };

    /// <summary>Builds the schema shape of a column through the internal ctor, as only the stand-in itself may.</summary>
    public static SchemaShape.Column Shape(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations = null) =>
        new(name, kind, itemType, isKey, annotations);

    public static SchemaShape Replace(SchemaShape input, IEnumerable<SchemaShape.Column> added)
    {
        var result = input.ToDictionary(c => c.Name);
        var order = input.Select(c => c.Name).ToList();
        foreach (var column in added)
        {
            if (!result.ContainsKey(column.Name)) order.Add(column.Name);
            result[column.Name] = column;
        }
        return new SchemaShape(order.Select(n => result[n]));
    }
}
