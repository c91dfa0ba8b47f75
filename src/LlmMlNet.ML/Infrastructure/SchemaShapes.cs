// Builds SchemaShape values from outside ML.NET. SchemaShape.Column's only ctor and SchemaShape.Create are
// internal in the real package, so columns are made through the non-public 5-argument ctor by reflection:
// the same call works on the stand-in and on Microsoft.ML. Not a place for schema validation (see SchemaChecks).
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

/// <summary>Creates <see cref="SchemaShape"/> columns and shapes the way ML.NET's internal helpers do.</summary>
internal static class SchemaShapes
{
    private static readonly ConstructorInfo ColumnCtor = FindColumnCtor();

    private static ConstructorInfo FindColumnCtor()
    {
        Type[] signature = [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)];
        return typeof(SchemaShape.Column).GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, signature)
            ?? throw new InvalidOperationException(
                "SchemaShape.Column has no (string, VectorKind, DataViewType, bool, SchemaShape) constructor in this Microsoft.ML version.");
    }

    /// <summary>
    /// A column shape: <paramref name="itemType"/> must be primitive (for keys pass the raw type, e.g. UInt32, with
    /// <paramref name="isKey"/> = true); null annotations mean none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">ML.NET rejects the item type (a key or vector type, or an invalid key raw type).</exception>
    public static SchemaShape.Column Column(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey = false,
        SchemaShape? annotations = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(itemType);
        try
        {
            return (SchemaShape.Column)ColumnCtor.Invoke([name, kind, itemType, isKey, annotations]);
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>The shape of a column of <paramref name="type"/>, the way SchemaShape.Create describes it.</summary>
    public static SchemaShape.Column ColumnOf(string name, DataViewType type, SchemaShape? annotations = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        var kind = SchemaShape.Column.VectorKind.Scalar;
        var item = type;
        if (type is VectorDataViewType vector)
        {
            kind = vector.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector;
            item = vector.ItemType;
        }
        bool isKey = item is KeyDataViewType;
        if (isKey) item = RawNumberType(item.RawType);
        return Column(name, kind, item, isKey, annotations);
    }

    /// <summary>The shape of the visible columns of <paramref name="schema"/> with their annotations: the public twin of SchemaShape.Create.</summary>
    public static SchemaShape FromSchema(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var columns = new List<SchemaShape.Column>();
        foreach (var column in schema)
        {
            if (column.IsHidden) continue;
            var annotations = column.Annotations.Schema.Where(a => !a.IsHidden).Select(a => ColumnOf(a.Name, a.Type));
            columns.Add(ColumnOf(column.Name, column.Type, new SchemaShape(annotations)));
        }
        return new SchemaShape(columns);
    }

    /// <summary>The last column of <paramref name="shape"/> named <paramref name="name"/>, like the internal TryFindColumn.</summary>
    public static bool TryFindColumn(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        ArgumentNullException.ThrowIfNull(shape);
        for (int i = shape.Count - 1; i >= 0; i--)
            if (shape[i].Name == name)
            {
                column = shape[i];
                return true;
            }
        column = default;
        return false;
    }

    /// <summary><paramref name="input"/> with <paramref name="added"/> columns replacing same-named ones in place or appended.</summary>
    public static SchemaShape With(SchemaShape input, params SchemaShape.Column[] added)
    {
        ArgumentNullException.ThrowIfNull(input);
        var columns = input.ToList();
        foreach (var column in added)
        {
            int index = columns.FindIndex(c => c.Name == column.Name);
            if (index >= 0) columns[index] = column;
            else columns.Add(column);
        }
        return new SchemaShape(columns);
    }

    /// <summary>The type text ML.NET prints for a shape column: "String", "Vector&lt;Single&gt;", "VarVector&lt;Key&lt;UInt32&gt;&gt;".</summary>
    public static string TypeString(SchemaShape.Column column)
    {
        string item = column.IsKey ? $"Key<{column.ItemType}>" : column.ItemType.ToString() ?? "";
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            SchemaShape.Column.VectorKind.VariableVector => $"VarVector<{item}>",
            _ => item,
        };
    }

    private static DataViewType RawNumberType(Type raw) =>
        raw == typeof(byte) ? NumberDataViewType.Byte : raw == typeof(ushort) ? NumberDataViewType.UInt16
        : raw == typeof(uint) ? NumberDataViewType.UInt32 : NumberDataViewType.UInt64;
}
