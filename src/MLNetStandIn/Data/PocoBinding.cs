// Binds POCO objects to data view rows through a SchemaDefinition: the schema a class produces, the raw values
// of one object, and a filler that writes a row's columns into an object. Backs LoadFromEnumerable,
// CreateEnumerable and PredictionEngine. Reflection-based: correct, not fast.
using System.Reflection;

namespace Microsoft.ML.Data;

internal static class PocoBinding
{
    /// <summary>The schema of the definition; columns also present in <paramref name="overrides"/> take its type and annotations.</summary>
    public static DataViewSchema SchemaFor(SchemaDefinition definition, DataViewSchema? overrides = null)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in definition)
        {
            var type = column.ColumnType;
            var annotations = DataViewSchema.Annotations.Empty;
            if (overrides?.GetColumnOrNull(column.ColumnName) is { } given)
            {
                if (!PocoTypes.CanBind(column.MemberType, given.Type))
                    throw new InvalidOperationException(
                        $"Can't bind the IDataView column '{given.Name}' of type '{given.Type}' to field or property '{column.MemberName}' of type '{column.MemberType}'.");
                type = given.Type;
                annotations = given.Annotations;
            }
            builder.AddColumn(column.ColumnName, type, annotations);
        }
        return builder.ToSchema();
    }

    /// <summary>The raw column values of <paramref name="item"/> in schema order.</summary>
    public static object?[] ReadRaw(object item, SchemaDefinition definition, DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(item);
        var values = new object?[definition.Count];
        for (int i = 0; i < values.Length; i++)
        {
            var column = definition[i];
            values[i] = PocoTypes.ToRaw(GetMember(item, column.Member), column.MemberType, schema[i].Type, column.ColumnName);
        }
        return values;
    }

    /// <summary>
    /// An action that copies the current values of <paramref name="row"/> into an object's members.
    /// A member without a column is skipped when <paramref name="ignoreMissingColumns"/>, otherwise an error.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A member has no column and missing columns are not ignored.</exception>
    /// <exception cref="InvalidOperationException">A column's type cannot be bound to its member.</exception>
    public static Action<object> MakeFiller(DataViewRow row, SchemaDefinition definition, bool ignoreMissingColumns)
    {
        var setters = new List<Action<object>>();
        foreach (var member in definition)
        {
            if (row.Schema.GetColumnOrNull(member.ColumnName) is not { } column)
            {
                if (ignoreMissingColumns) continue;
                throw new ArgumentOutOfRangeException(nameof(definition), $"No column found in schema for member '{member.MemberName}' (column '{member.ColumnName}')");
            }
            if (!PocoTypes.CanBind(member.MemberType, column.Type))
                throw new InvalidOperationException(
                    $"Can't bind the IDataView column '{column.Name}' of type '{column.Type}' to field or property '{member.MemberName}' of type '{member.MemberType}'.");
            var read = (Func<object>)typeof(PocoBinding).GetMethod(nameof(MakeReader), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(column.Type.RawType).Invoke(null, [row, column])!;
            var info = member.Member;
            var memberType = member.MemberType;
            setters.Add(target => SetMember(target, info, PocoTypes.FromRaw(read(), memberType)));
        }
        return target =>
        {
            foreach (var set in setters) set(target);
        };
    }

    /// <summary>The columns of <paramref name="schema"/> that members of the definition read.</summary>
    public static IEnumerable<DataViewSchema.Column> ColumnsUsed(DataViewSchema schema, SchemaDefinition definition) =>
        definition.Select(m => schema.GetColumnOrNull(m.ColumnName)).Where(c => c.HasValue).Select(c => c!.Value);

    private static Func<object> MakeReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return value!;
        };
    }

    private static object? GetMember(object item, MemberInfo member) =>
        member is FieldInfo field ? field.GetValue(item) : ((PropertyInfo)member).GetValue(item);

    private static void SetMember(object target, MemberInfo member, object? value)
    {
        if (member is FieldInfo field) field.SetValue(target, value);
        else ((PropertyInfo)member).SetValue(target, value);
    }
}
