// The POCO mapping attributes of Microsoft.ML.Data: LoadColumn, ColumnName, VectorType, NoColumn, KeyType.
// Same AttributeUsage as the real ones; the mapping that reads them is PocoMapping.cs.
namespace Microsoft.ML.Data;

/// <summary>Which column(s) of a text file feed this member.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class LoadColumnAttribute : Attribute
{
    /// <summary>Loads from the zero-based column <paramref name="fieldIndex"/>.</summary>
    public LoadColumnAttribute(int fieldIndex) => Sources = [fieldIndex];

    /// <summary>Loads the columns <paramref name="start"/>..<paramref name="end"/> (inclusive) as a vector.</summary>
    public LoadColumnAttribute(int start, int end)
    {
        if (end < start) throw new ArgumentOutOfRangeException(nameof(end), "end must not be before start.");
        Sources = Enumerable.Range(start, end - start + 1).ToArray();
        IsRange = true;
    }

    /// <summary>Loads the listed columns as a vector.</summary>
    public LoadColumnAttribute(int[] columnIndexes)
    {
        Sources = columnIndexes ?? throw new ArgumentNullException(nameof(columnIndexes));
        IsRange = true;
    }

    internal int[] Sources { get; }

    internal bool IsRange { get; }
}

/// <summary>Names the data view column this member maps to.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class ColumnNameAttribute : Attribute
{
    /// <summary>Maps the member to column <paramref name="name"/>.</summary>
    public ColumnNameAttribute(string name) => Name = name;

    internal string Name { get; }
}

/// <summary>Marks an array member as a vector column, optionally of fixed dimensions.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class VectorTypeAttribute : Attribute
{
    /// <summary>A variable-length vector.</summary>
    public VectorTypeAttribute() => Dims = [0];

    /// <summary>A vector of <paramref name="size"/> items.</summary>
    public VectorTypeAttribute(int size) => Dims = [size];

    /// <summary>A vector with the given dimensions.</summary>
    public VectorTypeAttribute(params int[] dimensions) => Dims = dimensions;

    internal int[] Dims { get; }
}

/// <summary>Excludes the member from the mapping.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class NoColumnAttribute : Attribute
{
}

/// <summary>Marks a byte/ushort/uint/ulong member as a key column.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class KeyTypeAttribute : Attribute
{
    /// <summary>A key whose cardinality is the range of the member type.</summary>
    public KeyTypeAttribute()
    {
    }

    /// <summary>A key with <paramref name="count"/> values (keys 1..count, 0 = missing).</summary>
    public KeyTypeAttribute(ulong count) => Count = count;

    internal ulong? Count { get; }
}
