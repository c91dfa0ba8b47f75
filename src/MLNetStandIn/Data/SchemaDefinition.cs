// SchemaDefinition: the member-to-column description of a POCO type (Microsoft.ML.Data).
// Only the parts the stand-in needs: Create, the column list, ColumnName/ColumnType overrides. No custom
// annotations and no generator columns.
using System.Reflection;

namespace Microsoft.ML.Data;

/// <summary>How the members of a class map to data view columns.</summary>
public sealed class SchemaDefinition : List<SchemaDefinition.Column>
{
    private SchemaDefinition()
    {
    }

    /// <summary>Which way data flows through the object.</summary>
    [Flags]
    public enum Direction
    {
        /// <summary>Values are read from the object (members need getters).</summary>
        Read = 1,
        /// <summary>Values are written into the object (members need setters).</summary>
        Write = 2,
        /// <summary>Both.</summary>
        Both = Read | Write,
    }

    /// <summary>The column definition for <paramref name="columnName"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such column.</exception>
    public Column this[string columnName] =>
        this.LastOrDefault(c => c.ColumnName == columnName)
        ?? throw new ArgumentOutOfRangeException(nameof(columnName), $"No column named '{columnName}' in the schema definition.");

    /// <summary>
    /// The definition for <paramref name="userType"/>: public instance fields and properties (with a getter for Read,
    /// a setter for Write), minus const fields and [NoColumn] members; [ColumnName] renames.
    /// </summary>
    /// <exception cref="InvalidOperationException">A member type cannot be mapped, or two members share a column name.</exception>
    public static SchemaDefinition Create(Type userType, Direction direction = Direction.Both)
    {
        ArgumentNullException.ThrowIfNull(userType);
        var definition = new SchemaDefinition();
        var members = userType.GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(f => !f.IsLiteral)
            .Cast<MemberInfo>()
            .Concat(userType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0)
                .Where(p => (!direction.HasFlag(Direction.Read) || p.GetGetMethod() != null)
                    && (!direction.HasFlag(Direction.Write) || p.GetSetMethod() != null)));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (member.GetCustomAttribute<NoColumnAttribute>() != null) continue;
            var memberType = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
            if (memberType.FullName == "Microsoft.ML.Runtime.IChannel") continue;
            string name = member.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? member.Name;
            if (!names.Add(name))
                throw new InvalidOperationException($"Duplicate column name '{name}' is present in two or more members of {userType.Name}.");
            definition.Add(new Column(member.Name, name, PocoTypes.ColumnTypeOf(member, memberType), member, memberType));
        }
        return definition;
    }

    /// <summary>One member-to-column entry.</summary>
    public sealed class Column
    {
        internal Column(string memberName, string columnName, DataViewType columnType, MemberInfo member, Type memberType)
        {
            MemberName = memberName;
            ColumnName = columnName;
            ColumnType = columnType;
            Member = member;
            MemberType = memberType;
        }

        /// <summary>The field or property name.</summary>
        public string MemberName { get; }

        /// <summary>The column name (defaults to the member name or its [ColumnName]).</summary>
        public string ColumnName { get; set; }

        /// <summary>The column type (defaults to the type mapped from the member type and attributes).</summary>
        public DataViewType ColumnType { get; set; }

        internal MemberInfo Member { get; }

        internal Type MemberType { get; }
    }
}
