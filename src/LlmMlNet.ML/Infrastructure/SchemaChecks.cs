// Input-column checks shared by our estimators (on SchemaShape) and transformers (on DataViewSchema), throwing
// what ML.NET's own GetOutputSchema throws: ArgumentOutOfRangeException "Could not find input column 'X'" or
// "Schema mismatch for input column 'X': expected String, got Single". Not a general schema validator.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

/// <summary>What a column must be: a description for messages and predicates on a shape and on a type.</summary>
internal sealed class ColumnExpectation
{
    private readonly Func<SchemaShape.Column, bool> _matchesShape;
    private readonly Func<DataViewType, bool> _matchesType;

    private ColumnExpectation(string description, Func<SchemaShape.Column, bool> matchesShape, Func<DataViewType, bool> matchesType)
    {
        Description = description;
        _matchesShape = matchesShape;
        _matchesType = matchesType;
    }

    /// <summary>The expected type as ML.NET words it, e.g. "String" or "Vector&lt;Single&gt;".</summary>
    public string Description { get; }

    public bool Matches(SchemaShape.Column column) => _matchesShape(column);

    public bool Matches(DataViewType type) => _matchesType(type);

    /// <summary>A scalar of <paramref name="type"/> (not a key).</summary>
    public static ColumnExpectation Scalar(PrimitiveDataViewType type) => new(type.ToString() ?? "",
        c => c.Kind == SchemaShape.Column.VectorKind.Scalar && !c.IsKey && c.ItemType.Equals(type),
        t => t.Equals(type));

    /// <summary>A vector (any size) of <paramref name="itemType"/>.</summary>
    public static ColumnExpectation Vector(PrimitiveDataViewType itemType) => new($"Vector<{itemType}>",
        c => c.Kind != SchemaShape.Column.VectorKind.Scalar && !c.IsKey && c.ItemType.Equals(itemType),
        t => t is VectorDataViewType v && v.ItemType.Equals(itemType));

    /// <summary>A vector of known size of <paramref name="itemType"/>.</summary>
    public static ColumnExpectation KnownSizeVector(PrimitiveDataViewType itemType) => new($"known-size vector of {itemType}",
        c => c.Kind == SchemaShape.Column.VectorKind.Vector && !c.IsKey && c.ItemType.Equals(itemType),
        t => t is VectorDataViewType { IsKnownSize: true } v && v.ItemType.Equals(itemType));

    /// <summary>A scalar key of any cardinality.</summary>
    public static ColumnExpectation ScalarKey() => new("Key",
        c => c.Kind == SchemaShape.Column.VectorKind.Scalar && c.IsKey,
        t => t is KeyDataViewType);

    /// <summary>Any of <paramref name="options"/>; described as "A or B".</summary>
    public static ColumnExpectation OneOf(params ColumnExpectation[] options) => new(string.Join(" or ", options.Select(o => o.Description)),
        c => options.Any(o => o.Matches(c)), t => options.Any(o => o.Matches(t)));
}

/// <summary>Finds input columns and checks their types, with ML.NET's exception types and messages.</summary>
internal static class SchemaChecks
{
    /// <summary>The column <paramref name="columnName"/> of a shape, checked against <paramref name="expected"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or has the wrong type.</exception>
    public static SchemaShape.Column Require(SchemaShape inputSchema, string columnName, ColumnExpectation expected, string role = "input")
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!SchemaShapes.TryFindColumn(inputSchema, columnName, out var column))
            throw Missing(role, columnName);
        if (!expected.Matches(column))
            throw Mismatch(role, columnName, expected.Description, SchemaShapes.TypeString(column));
        return column;
    }

    /// <summary>The column <paramref name="columnName"/> of a schema, checked against <paramref name="expected"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or has the wrong type.</exception>
    public static DataViewSchema.Column Require(DataViewSchema inputSchema, string columnName, ColumnExpectation expected, string role = "input")
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = inputSchema.GetColumnOrNull(columnName) ?? throw Missing(role, columnName);
        if (!expected.Matches(column.Type))
            throw Mismatch(role, columnName, expected.Description, column.Type.ToString() ?? "");
        return column;
    }

    /// <summary>Checks that a key column carries a KeyValues annotation (what MapKeyToValue downstream needs).</summary>
    /// <exception cref="InvalidOperationException">The annotation is missing.</exception>
    public static void RequireKeyValues(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") == null)
            throw new InvalidOperationException($"Input column '{column.Name}' doesn't contain key values metadata");
    }

    public static ArgumentOutOfRangeException Missing(string role, string columnName) =>
        new("inputSchema", $"Could not find {role} column '{columnName}'");

    public static ArgumentOutOfRangeException Mismatch(string role, string columnName, string expected, string actual) =>
        new("inputSchema", $"Schema mismatch for {role} column '{columnName}': expected {expected}, got {actual}");
}
