// DataViewSchema: the ordered, immutable column list of a data view, with its Column and DetachedColumn
// structs and its Builder. Column's ctor stays internal as in the real package. Annotations are in
// DataViewSchemaAnnotations.cs.
using System.Collections;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>The columns of a data view. A later column with a duplicate name hides the earlier one.</summary>
public sealed partial class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _nameToIndex;

    private DataViewSchema(IEnumerable<DetachedColumn> columns)
    {
        var list = columns.ToList();
        _nameToIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++) _nameToIndex[list[i].Name] = i;
        _columns = new Column[list.Count];
        for (int i = 0; i < list.Count; i++)
            _columns[i] = new Column(list[i].Name, i, _nameToIndex[list[i].Name] != i, list[i].Type, list[i].Annotations);
    }

    /// <summary>The number of columns, hidden ones included.</summary>
    public int Count => _columns.Length;

    /// <summary>The visible column named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such column.</exception>
    public Column this[string name] =>
        GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(name), $"Column '{name}' not found");

    /// <summary>The column at <paramref name="columnIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public Column this[int columnIndex] =>
        columnIndex >= 0 && columnIndex < _columns.Length ? _columns[columnIndex]
            : throw new ArgumentOutOfRangeException(nameof(columnIndex), $"Column index {columnIndex} is out of range [0, {_columns.Length}).");

    /// <summary>The visible column named <paramref name="name"/>, or null.</summary>
    public Column? GetColumnOrNull(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _nameToIndex.TryGetValue(name, out int index) ? _columns[index] : null;
    }

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => $"{Count} columns";

    internal static DataViewSchema Create(IEnumerable<DetachedColumn> columns) => new(columns);

    /// <summary>A column of a schema: name, index, type, annotations and whether a later column hides it.</summary>
    public struct Column
    {
        internal Column(string name, int index, bool isHidden, DataViewType type, Annotations annotations)
        {
            Name = name;
            Index = index;
            IsHidden = isHidden;
            Type = type;
            Annotations = annotations;
        }

        /// <summary>The column name.</summary>
        public string Name { get; }

        /// <summary>The column's index in its schema.</summary>
        public int Index { get; }

        /// <summary>Whether a later column with the same name hides this one.</summary>
        public bool IsHidden { get; }

        /// <summary>The column type.</summary>
        public DataViewType Type { get; }

        /// <summary>The column's annotations (never null for a column taken from a schema).</summary>
        public Annotations Annotations { get; }

        /// <inheritdoc/>
        public override string ToString()
        {
            var names = Annotations == null ? "" : string.Join(", ", Annotations.Schema.Select(c => c.Name));
            return $"{Name}: {Type}{(names.Length > 0 ? " {" + names + "}" : "")}";
        }
    }

    /// <summary>A column description not bound to a schema, used to build new schemas.</summary>
    public struct DetachedColumn
    {
        /// <summary>A detached column; null annotations mean none.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="type"/> is null.</exception>
        public DetachedColumn(string name, DataViewType type, Annotations? annotations = null)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Type = type ?? throw new ArgumentNullException(nameof(type));
            Annotations = annotations ?? Annotations.Empty;
        }

        /// <summary>A detached copy of a schema column.</summary>
        public DetachedColumn(Column column) : this(column.Name, column.Type, column.Annotations)
        {
        }

        /// <summary>The column name.</summary>
        public string Name { get; }

        /// <summary>The column type.</summary>
        public DataViewType Type { get; }

        /// <summary>The column's annotations.</summary>
        public Annotations Annotations { get; }
    }

    /// <summary>Builds a schema column by column.</summary>
    public sealed class Builder
    {
        private readonly List<DetachedColumn> _items = [];

        /// <summary>An empty builder.</summary>
        public Builder()
        {
        }

        /// <summary>Adds a column.</summary>
        public void AddColumn(string name, DataViewType type, Annotations? annotations = null) =>
            _items.Add(new DetachedColumn(name, type, annotations));

        /// <summary>Adds copies of schema columns (hidden ones included).</summary>
        public void AddColumns(IEnumerable<Column> source)
        {
            ArgumentNullException.ThrowIfNull(source);
            foreach (var column in source) _items.Add(new DetachedColumn(column));
        }

        /// <summary>Adds detached columns.</summary>
        public void AddColumns(IEnumerable<DetachedColumn> source)
        {
            ArgumentNullException.ThrowIfNull(source);
            _items.AddRange(source);
        }

        /// <summary>The schema; a duplicated name hides the earlier column (IsHidden = true).</summary>
        public DataViewSchema ToSchema() => new(_items);
    }
}
