// SchemaShape: the data-free description of a schema that estimators propagate in GetOutputSchema.
// As in the real package, Column's 5-argument ctor and SchemaShape.Create are internal: project code
// builds columns by reflection (LlmMlNet.ML Infrastructure), the one call that also works on real ML.NET.
using System.Collections;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>A list of column shapes: name, vector kind, item type, key flag, annotation shapes.</summary>
public sealed class SchemaShape : IReadOnlyList<SchemaShape.Column>
{
    private readonly Column[] _columns;
    private static readonly SchemaShape _empty = new([]);

    /// <summary>A shape with the given columns.</summary>
    public SchemaShape(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.ToArray();
    }

    /// <summary>The number of columns.</summary>
    public int Count => _columns.Length;

    /// <summary>The column at <paramref name="index"/>.</summary>
    public Column this[int index] => _columns[index];

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The shape of the visible columns of <paramref name="schema"/>.</summary>
    internal static SchemaShape Create(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var columns = new List<Column>();
        foreach (var column in schema)
        {
            if (column.IsHidden) continue;
            var annotations = new List<Column>();
            foreach (var annotation in column.Annotations.Schema)
                if (!annotation.IsHidden) annotations.Add(ShapeOf(annotation.Name, annotation.Type, null));
            columns.Add(ShapeOf(column.Name, column.Type, new SchemaShape(annotations)));
        }
        return new SchemaShape(columns);
    }

    internal bool TryFindColumn(string name, out Column column)
    {
        for (int i = _columns.Length - 1; i >= 0; i--)
            if (_columns[i].Name == name)
            {
                column = _columns[i];
                return true;
            }
        column = default;
        return false;
    }

    private static Column ShapeOf(string name, DataViewType type, SchemaShape? annotations)
    {
        var kind = Column.VectorKind.Scalar;
        var itemType = type;
        if (type is VectorDataViewType vector)
        {
            kind = vector.IsKnownSize ? Column.VectorKind.Vector : Column.VectorKind.VariableVector;
            itemType = vector.ItemType;
        }
        bool isKey = itemType is KeyDataViewType;
        if (isKey) itemType = NumberDataViewType.FromRawType(itemType.RawType)!;
        return new Column(name, kind, itemType, isKey, annotations);
    }

    /// <summary>The shape of one column.</summary>
    public struct Column
    {
        /// <summary>Whether a column is a scalar, a fixed-size vector or a variable-size vector.</summary>
        public enum VectorKind
        {
            /// <summary>A scalar.</summary>
            Scalar,
            /// <summary>A vector of known size.</summary>
            Vector,
            /// <summary>A vector of variable size.</summary>
            VariableVector,
        }

        /// <summary>The column name.</summary>
        public readonly string Name;

        /// <summary>Scalar or vector.</summary>
        public readonly VectorKind Kind;

        /// <summary>The item type (for keys, the raw numeric type such as UInt32).</summary>
        public readonly DataViewType ItemType;

        /// <summary>Whether the items are keys.</summary>
        public readonly bool IsKey;

        /// <summary>The shapes of the column's annotations.</summary>
        public readonly SchemaShape Annotations;

        internal Column(string name, VectorKind vecKind, DataViewType itemType, bool isKey, SchemaShape? annotations = null)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Column name cannot be empty.", nameof(name));
            ArgumentNullException.ThrowIfNull(itemType);
            if (itemType is KeyDataViewType) throw new ArgumentOutOfRangeException(nameof(itemType), "Item type cannot be a key");
            if (itemType is VectorDataViewType) throw new ArgumentOutOfRangeException(nameof(itemType), "Item type cannot be a vector");
            if (isKey && !KeyDataViewType.IsValidDataType(itemType.RawType))
                throw new ArgumentOutOfRangeException(nameof(itemType), "The item type must be valid for a key");
            Name = name;
            Kind = vecKind;
            ItemType = itemType;
            IsKey = isKey;
            Annotations = annotations ?? _empty;
        }

        internal bool IsValid => Name != null;

        internal string GetTypeString()
        {
            string result = IsKey ? $"Key<{ItemType}>" : ItemType.ToString()!;
            return Kind switch
            {
                VectorKind.Vector => $"Vector<{result}>",
                VectorKind.VariableVector => $"VarVector<{result}>",
                _ => result,
            };
        }

        /// <inheritdoc/>
        public override string ToString() => $"{Name}: {GetTypeString()}";
    }
}
