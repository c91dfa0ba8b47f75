// The column type hierarchy of Microsoft.ML.DataView: DataViewType, the primitive singletons, vector and key types.
// DataViewType keeps its private protected ctor, so code outside this assembly cannot derive from it,
// exactly as with the real package. Date/time types are deliberately omitted (nothing here uses them).
using System.Collections.Immutable;

namespace Microsoft.ML.Data;

/// <summary>The type of a data view column; <see cref="RawType"/> is the .NET type getters use.</summary>
public abstract class DataViewType : IEquatable<DataViewType>
{
    private protected DataViewType(Type rawType)
    {
        RawType = rawType ?? throw new ArgumentNullException(nameof(rawType));
    }

    /// <summary>The .NET type of values of this column type.</summary>
    public Type RawType { get; }

    /// <summary>Whether <paramref name="other"/> is the same column type.</summary>
    public abstract bool Equals(DataViewType? other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DataViewType other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawType.GetHashCode();
}

/// <summary>Base of column types whose values are structured (for example vectors).</summary>
public abstract class StructuredDataViewType : DataViewType
{
    /// <summary>A structured type over <paramref name="rawType"/>.</summary>
    protected StructuredDataViewType(Type rawType) : base(rawType)
    {
    }
}

/// <summary>Base of column types whose values are immutable scalars.</summary>
public abstract class PrimitiveDataViewType : DataViewType
{
    /// <summary>A primitive type over <paramref name="rawType"/>.</summary>
    /// <exception cref="ArgumentException">The raw type implements IDisposable.</exception>
    protected PrimitiveDataViewType(Type rawType) : base(rawType)
    {
        if (typeof(IDisposable).IsAssignableFrom(rawType))
            throw new ArgumentException("A primitive type cannot have an IDisposable raw type.", nameof(rawType));
    }
}

/// <summary>Text: values are <see cref="ReadOnlyMemory{T}"/> of char.</summary>
public sealed class TextDataViewType : PrimitiveDataViewType
{
    private TextDataViewType() : base(typeof(ReadOnlyMemory<char>))
    {
    }

    /// <summary>The single instance.</summary>
    public static TextDataViewType Instance { get; } = new();

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(other, this);

    /// <inheritdoc/>
    public override string ToString() => "String";
}

/// <summary>Numeric scalar types, one instance per .NET numeric type.</summary>
public sealed class NumberDataViewType : PrimitiveDataViewType
{
    private NumberDataViewType(Type rawType) : base(rawType)
    {
    }

    /// <summary>sbyte.</summary>
    public static NumberDataViewType SByte { get; } = new(typeof(sbyte));
    /// <summary>byte.</summary>
    public static NumberDataViewType Byte { get; } = new(typeof(byte));
    /// <summary>short.</summary>
    public static NumberDataViewType Int16 { get; } = new(typeof(short));
    /// <summary>ushort.</summary>
    public static NumberDataViewType UInt16 { get; } = new(typeof(ushort));
    /// <summary>int.</summary>
    public static NumberDataViewType Int32 { get; } = new(typeof(int));
    /// <summary>uint.</summary>
    public static NumberDataViewType UInt32 { get; } = new(typeof(uint));
    /// <summary>long.</summary>
    public static NumberDataViewType Int64 { get; } = new(typeof(long));
    /// <summary>ulong.</summary>
    public static NumberDataViewType UInt64 { get; } = new(typeof(ulong));
    /// <summary>float.</summary>
    public static NumberDataViewType Single { get; } = new(typeof(float));
    /// <summary>double.</summary>
    public static NumberDataViewType Double { get; } = new(typeof(double));

    internal static NumberDataViewType? FromRawType(Type type) =>
        type == typeof(sbyte) ? SByte : type == typeof(byte) ? Byte : type == typeof(short) ? Int16 :
        type == typeof(ushort) ? UInt16 : type == typeof(int) ? Int32 : type == typeof(uint) ? UInt32 :
        type == typeof(long) ? Int64 : type == typeof(ulong) ? UInt64 : type == typeof(float) ? Single :
        type == typeof(double) ? Double : null;

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(other, this);

    /// <inheritdoc/>
    public override string ToString() => RawType.Name;
}

/// <summary>Boolean scalars.</summary>
public sealed class BooleanDataViewType : PrimitiveDataViewType
{
    private BooleanDataViewType() : base(typeof(bool))
    {
    }

    /// <summary>The single instance.</summary>
    public static BooleanDataViewType Instance { get; } = new();

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(other, this);

    /// <inheritdoc/>
    public override string ToString() => "Boolean";
}

/// <summary>Row ids (<see cref="DataViewRowId"/>).</summary>
public sealed class RowIdDataViewType : PrimitiveDataViewType
{
    private RowIdDataViewType() : base(typeof(DataViewRowId))
    {
    }

    /// <summary>The single instance.</summary>
    public static RowIdDataViewType Instance { get; } = new();

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(other, this);

    /// <inheritdoc/>
    public override string ToString() => "DataViewRowId";
}

/// <summary>A vector of primitive items; values are <see cref="VBuffer{T}"/>.</summary>
public sealed class VectorDataViewType : StructuredDataViewType
{
    /// <summary>A vector of <paramref name="size"/> items; 0 means variable length.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public VectorDataViewType(PrimitiveDataViewType itemType, int size = 0)
        : this(itemType, ImmutableArray.Create(CheckSize(size)))
    {
    }

    /// <summary>A vector with the given dimensions; a 0 dimension means variable length.</summary>
    public VectorDataViewType(PrimitiveDataViewType itemType, params int[] dimensions)
        : this(itemType, ImmutableArray.Create(dimensions ?? throw new ArgumentNullException(nameof(dimensions))))
    {
    }

    /// <summary>A vector with the given dimensions; a 0 dimension means variable length.</summary>
    /// <exception cref="ArgumentException">No dimensions, or a negative one.</exception>
    public VectorDataViewType(PrimitiveDataViewType itemType, ImmutableArray<int> dimensions)
        : base(typeof(VBuffer<>).MakeGenericType((itemType ?? throw new ArgumentNullException(nameof(itemType))).RawType))
    {
        if (dimensions.IsDefaultOrEmpty) throw new ArgumentException("A vector type needs at least one dimension.", nameof(dimensions));
        if (dimensions.Any(d => d < 0)) throw new ArgumentException("Vector dimensions cannot be negative.", nameof(dimensions));
        ItemType = itemType;
        Dimensions = dimensions;
        Size = dimensions.Any(d => d == 0) ? 0 : dimensions.Aggregate(1, (a, d) => checked(a * d));
    }

    /// <summary>The dimensions; their product is <see cref="Size"/> when none is 0.</summary>
    public ImmutableArray<int> Dimensions { get; }

    /// <summary>The item type.</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The number of items, or 0 for a variable-length vector.</summary>
    public int Size { get; }

    /// <summary>Whether the vector has a fixed size.</summary>
    public bool IsKnownSize => Size > 0;

    private static int CheckSize(int size) =>
        size >= 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), "Vector size cannot be negative.");

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) =>
        other is VectorDataViewType v && v.ItemType.Equals(ItemType) && v.Dimensions.SequenceEqual(Dimensions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DataViewType other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ItemType, Size, Dimensions.Length);

    /// <inheritdoc/>
    public override string ToString()
    {
        if (Dimensions.Length == 1)
            return Size > 0 ? $"Vector<{ItemType}, {Size}>" : $"Vector<{ItemType}>";
        return $"Vector<{ItemType}, {string.Join(", ", Dimensions)}>";
    }
}

/// <summary>A key: an index into a set of <see cref="Count"/> values; 0 means missing, valid keys are 1..Count.</summary>
public sealed class KeyDataViewType : PrimitiveDataViewType
{
    /// <summary>A key over <paramref name="type"/> (byte, ushort, uint or ulong) with <paramref name="count"/> values.</summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a valid key type.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is 0 or exceeds the type's range.</exception>
    public KeyDataViewType(Type type, ulong count) : base(type)
    {
        if (!IsValidDataType(type)) throw new ArgumentException($"Type '{type}' is not valid for a key type.", nameof(type));
        if (count == 0 || count > MaxCount(type))
            throw new ArgumentOutOfRangeException(nameof(count), $"The cardinality of a {type.Name} key must be in 1..{MaxCount(type)}, got {count}.");
        Count = count;
    }

    /// <summary>A key over <paramref name="type"/> with <paramref name="count"/> values.</summary>
    public KeyDataViewType(Type type, int count) : this(type, count > 0 ? (ulong)count
        : throw new ArgumentOutOfRangeException(nameof(count), "The cardinality of a key type must be positive."))
    {
    }

    /// <summary>Whether <paramref name="type"/> can back a key: byte, ushort, uint or ulong.</summary>
    public static bool IsValidDataType(Type type) =>
        type == typeof(byte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

    /// <summary>The number of valid key values.</summary>
    public ulong Count { get; }

    private static ulong MaxCount(Type type) =>
        type == typeof(byte) ? byte.MaxValue : type == typeof(ushort) ? ushort.MaxValue : type == typeof(uint) ? uint.MaxValue : ulong.MaxValue;

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => other is KeyDataViewType k && k.RawType == RawType && k.Count == Count;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DataViewType other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RawType, Count);

    /// <inheritdoc/>
    public override string ToString() => $"Key<{RawType.Name}, 0-{Count - 1}>";
}
