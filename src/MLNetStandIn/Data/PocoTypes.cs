// The member-type rules of ML.NET's POCO mapping: which column type a member type maps to, and the
// converters between member values and raw column values (string <-> ReadOnlyMemory<char>, T[] <-> VBuffer<T>).
// Not a general converter: types ML.NET cannot map are rejected with the member named.
using System.Reflection;

namespace Microsoft.ML.Data;

internal static class PocoTypes
{
    /// <summary>The column type ML.NET gives a member of <paramref name="memberType"/> with its attributes.</summary>
    public static DataViewType ColumnTypeOf(MemberInfo member, Type memberType)
    {
        bool isVector = memberType.IsArray || IsVBuffer(memberType);
        var itemType = isVector ? (memberType.IsArray ? memberType.GetElementType()! : memberType.GetGenericArguments()[0]) : memberType;
        var keyAttribute = member.GetCustomAttribute<KeyTypeAttribute>();
        PrimitiveDataViewType primitive;
        if (keyAttribute != null)
        {
            if (!KeyDataViewType.IsValidDataType(itemType))
                throw new InvalidOperationException($"Member '{member.Name}' has [KeyType] but type {itemType.Name}; keys must be byte, ushort, uint or ulong.");
            primitive = new KeyDataViewType(itemType, keyAttribute.Count ?? MaxKeyCount(itemType));
        }
        else
        {
            primitive = PrimitiveOf(itemType)
                ?? throw new InvalidOperationException($"Member '{member.Name}' of type {memberType.Name} cannot be mapped to a data view column.");
        }
        if (!isVector)
        {
            if (member.GetCustomAttribute<VectorTypeAttribute>() != null)
                throw new InvalidOperationException($"Member '{member.Name}' has [VectorType] but is not an array.");
            return primitive;
        }
        var dims = member.GetCustomAttribute<VectorTypeAttribute>()?.Dims ?? [0];
        return new VectorDataViewType(primitive, dims);
    }

    public static PrimitiveDataViewType? PrimitiveOf(Type type) =>
        type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? TextDataViewType.Instance
        : type == typeof(bool) ? BooleanDataViewType.Instance
        : type == typeof(DataViewRowId) ? RowIdDataViewType.Instance
        : NumberDataViewType.FromRawType(type);

    public static bool IsVBuffer(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(VBuffer<>);

    private static ulong MaxKeyCount(Type type) =>
        type == typeof(byte) ? byte.MaxValue : type == typeof(ushort) ? ushort.MaxValue : type == typeof(uint) ? uint.MaxValue : ulong.MaxValue;

    /// <summary>Whether a member of <paramref name="memberType"/> can receive values of <paramref name="columnType"/>.</summary>
    public static bool CanBind(Type memberType, DataViewType columnType)
    {
        if (columnType is VectorDataViewType vector)
        {
            if (memberType.IsArray) return ItemMatches(memberType.GetElementType()!, vector.ItemType);
            return IsVBuffer(memberType) && memberType.GetGenericArguments()[0] == vector.ItemType.RawType;
        }
        return ItemMatches(memberType, columnType);
    }

    private static bool ItemMatches(Type memberItem, DataViewType itemType) =>
        memberItem == typeof(string) ? itemType is TextDataViewType : memberItem == itemType.RawType;

    /// <summary>Converts a member value to the column's raw value (copying arrays, so later edits do not leak in).</summary>
    public static object ToRaw(object? value, Type memberType, DataViewType columnType, string columnName)
    {
        if (columnType is VectorDataViewType vector)
        {
            if (IsVBuffer(memberType)) return value!;
            var array = (Array?)value ?? Array.CreateInstance(memberType.GetElementType()!, 0);
            if (vector.IsKnownSize && array.Length != vector.Size)
                throw new InvalidOperationException(
                    $"Column '{columnName}' is a vector of size {vector.Size}, but the member holds {array.Length} items.");
            return ArrayToVBuffer(array, memberType.GetElementType()!);
        }
        if (memberType == typeof(string)) return ((string?)value ?? "").AsMemory();
        return value!;
    }

    /// <summary>Converts a raw column value to the member's type.</summary>
    public static object? FromRaw(object raw, Type memberType)
    {
        if (memberType == typeof(string)) return ((ReadOnlyMemory<char>)raw).ToString();
        if (memberType.IsArray) return VBufferToArray(raw, memberType.GetElementType()!);
        return raw;
    }

    private static object ArrayToVBuffer(Array array, Type elementType)
    {
        if (elementType == typeof(string))
        {
            var text = new ReadOnlyMemory<char>[array.Length];
            for (int i = 0; i < text.Length; i++) text[i] = ((string?)array.GetValue(i) ?? "").AsMemory();
            return new VBuffer<ReadOnlyMemory<char>>(text.Length, text);
        }
        var copy = Array.CreateInstance(elementType, array.Length);
        Array.Copy(array, copy, array.Length);
        return Activator.CreateInstance(typeof(VBuffer<>).MakeGenericType(elementType), copy.Length, copy, null)!;
    }

    private static object VBufferToArray(object raw, Type elementType)
    {
        if (elementType == typeof(string))
            return ((VBuffer<ReadOnlyMemory<char>>)raw).DenseValues().Select(m => m.ToString()).ToArray();
        var method = typeof(PocoTypes).GetMethod(nameof(DenseArray), BindingFlags.NonPublic | BindingFlags.Static)!;
        return method.MakeGenericMethod(elementType).Invoke(null, [raw])!;
    }

    private static T[] DenseArray<T>(VBuffer<T> buffer)
    {
        var result = new T[buffer.Length];
        buffer.CopyTo(result);
        return result;
    }
}
