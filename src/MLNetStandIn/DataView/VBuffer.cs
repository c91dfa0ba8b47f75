// VBuffer<T>: the dense-or-sparse vector value of Microsoft.ML.DataView, and VBufferEditor for writing one.
// Buffers are reused across getter calls the way ML.NET does; this is not a general sparse-math library.
using System.Collections;

namespace Microsoft.ML.Data;

/// <summary>A vector value of logical length <see cref="Length"/>, stored densely or as (index, value) pairs.</summary>
public readonly struct VBuffer<T> : IEnumerable
{
    private readonly int _count;
    private readonly T[]? _values;
    private readonly int[]? _indices;

    /// <summary>The logical length.</summary>
    public readonly int Length;

    /// <summary>A dense vector whose first <paramref name="length"/> values are in <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is shorter than <paramref name="length"/>.</exception>
    public VBuffer(int length, T[] values, int[]? indices = null)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        if (length > 0 && (values == null || values.Length < length))
            throw new ArgumentException($"values must hold at least {length} items.", nameof(values));
        Length = length;
        _count = length;
        _values = values;
        _indices = indices;
    }

    /// <summary>A vector with <paramref name="count"/> stored values; sparse when count is less than length.</summary>
    /// <exception cref="ArgumentException">The arrays are too short for <paramref name="count"/>.</exception>
    public VBuffer(int length, int count, T[] values, int[]? indices)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        if (count < 0 || count > length) throw new ArgumentOutOfRangeException(nameof(count));
        if (count > 0 && (values == null || values.Length < count))
            throw new ArgumentException($"values must hold at least {count} items.", nameof(values));
        if (count < length && count > 0 && (indices == null || indices.Length < count))
            throw new ArgumentException($"indices must hold at least {count} items for a sparse vector.", nameof(indices));
        Length = length;
        _count = count;
        _values = values;
        _indices = indices;
    }

    /// <summary>Whether every logical item is stored.</summary>
    public bool IsDense => _count == Length;

    internal T[]? ValuesArray => _values;
    internal int[]? IndicesArray => _indices;

    /// <summary>The stored values (all items when dense).</summary>
    public ReadOnlySpan<T> GetValues() => _values == null ? ReadOnlySpan<T>.Empty : _values.AsSpan(0, _count);

    /// <summary>The indices of the stored values; empty when dense.</summary>
    public ReadOnlySpan<int> GetIndices() => IsDense || _indices == null ? ReadOnlySpan<int>.Empty : _indices.AsSpan(0, _count);

    /// <summary>Copies into <paramref name="destination"/> as a dense vector.</summary>
    public void CopyToDense(ref VBuffer<T> destination)
    {
        var editor = VBufferEditor.Create(ref destination, Length);
        CopyTo(editor.Values);
        destination = editor.Commit();
    }

    /// <summary>Copies into <paramref name="destination"/>, keeping the representation.</summary>
    public void CopyTo(ref VBuffer<T> destination)
    {
        var editor = VBufferEditor.Create(ref destination, Length, _count);
        GetValues().CopyTo(editor.Values);
        if (!IsDense) GetIndices().CopyTo(editor.Indices);
        destination = editor.Commit();
    }

    /// <summary>Copies the logical range [sourceIndex, sourceIndex + length) densely into <paramref name="destination"/>.</summary>
    public void CopyTo(ref VBuffer<T> destination, int sourceIndex, int length)
    {
        if (sourceIndex < 0 || length < 0 || sourceIndex + length > Length) throw new ArgumentOutOfRangeException(nameof(sourceIndex));
        var editor = VBufferEditor.Create(ref destination, length);
        editor.Values.Clear();
        foreach (var (index, value) in Stored())
            if (index >= sourceIndex && index < sourceIndex + length) editor.Values[index - sourceIndex] = value;
        destination = editor.Commit();
    }

    /// <summary>Writes the dense values into <paramref name="destination"/>, which must hold <see cref="Length"/> items.</summary>
    public void CopyTo(Span<T> destination) => CopyTo(destination, 0);

    /// <summary>Writes the dense values at <paramref name="destinationIndex"/>, filling missing items with <paramref name="defaultValue"/>.</summary>
    public void CopyTo(Span<T> destination, int destinationIndex, T defaultValue = default!)
    {
        if (destinationIndex < 0 || destination.Length - destinationIndex < Length)
            throw new ArgumentException($"destination must hold {Length} items from index {destinationIndex}.", nameof(destination));
        var target = destination.Slice(destinationIndex, Length);
        if (IsDense)
        {
            GetValues().CopyTo(target);
            return;
        }
        target.Fill(defaultValue);
        var values = GetValues();
        var indices = GetIndices();
        for (int i = 0; i < values.Length; i++) target[indices[i]] = values[i];
    }

    /// <summary>Copies <paramref name="length"/> items of <paramref name="source"/> into a dense <paramref name="destination"/>.</summary>
    public static void Copy(T[] source, int sourceIndex, ref VBuffer<T> destination, int length)
    {
        var editor = VBufferEditor.Create(ref destination, length);
        source.AsSpan(sourceIndex, length).CopyTo(editor.Values);
        destination = editor.Commit();
    }

    /// <summary>(index, value) pairs: the stored ones, or every item when <paramref name="all"/>.</summary>
    public IEnumerable<KeyValuePair<int, T>> Items(bool all = false)
    {
        if (all)
            return DenseValues().Select((v, i) => new KeyValuePair<int, T>(i, v));
        return Stored().Select(p => new KeyValuePair<int, T>(p.Index, p.Value));
    }

    /// <summary>Every logical item in order, defaults for the unstored ones.</summary>
    public IEnumerable<T> DenseValues()
    {
        var dense = new T[Length];
        CopyTo(dense);
        return dense;
    }

    /// <summary>Reads item <paramref name="index"/> into <paramref name="destination"/>.</summary>
    public void GetItemOrDefault(int index, ref T destination) => destination = GetItemOrDefault(index);

    /// <summary>Item <paramref name="index"/>, or default when it is not stored.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, Length).</exception>
    public T GetItemOrDefault(int index)
    {
        if (index < 0 || index >= Length) throw new ArgumentOutOfRangeException(nameof(index));
        if (IsDense) return _values![index];
        int pos = GetIndices().BinarySearch(index);
        return pos >= 0 ? _values![pos] : default!;
    }

    /// <summary>Enumerates the stored (index, value) pairs.</summary>
    public IEnumerator GetEnumerator() => Items().GetEnumerator();

    private IEnumerable<(int Index, T Value)> Stored()
    {
        var values = _values ?? [];
        for (int i = 0; i < _count; i++)
            yield return (IsDense ? i : _indices![i], values[i]);
    }
}

/// <summary>Creates editors that write a <see cref="VBuffer{T}"/> in place, reusing its arrays.</summary>
public static class VBufferEditor
{
    /// <summary>An editor over the buffer's current shape.</summary>
    public static VBufferEditor<T> CreateFromBuffer<T>(scoped ref VBuffer<T> destination) =>
        Create(ref destination, destination.Length, destination.GetValues().Length);

    /// <summary>
    /// An editor for a vector of <paramref name="newLogicalLength"/> items with <paramref name="valuesCount"/> stored
    /// values (default: dense). The old arrays are reused when large enough; their contents survive only when
    /// <paramref name="keepOldOnResize"/> is set and new arrays must be made.
    /// </summary>
    public static VBufferEditor<T> Create<T>(scoped ref VBuffer<T> destination, int newLogicalLength, int? valuesCount = null,
        int? maxValuesCapacity = null, bool keepOldOnResize = false, bool requireIndicesOnDense = false)
    {
        if (newLogicalLength < 0) throw new ArgumentOutOfRangeException(nameof(newLogicalLength));
        int count = valuesCount ?? newLogicalLength;
        if (count < 0 || count > newLogicalLength) throw new ArgumentOutOfRangeException(nameof(valuesCount));
        _ = maxValuesCapacity;
        var values = destination.ValuesArray;
        bool newValues = false;
        if (values == null || values.Length < count)
        {
            var grown = new T[Math.Max(count, 1)];
            if (keepOldOnResize && values != null) values.AsSpan().CopyTo(grown);
            values = grown;
            newValues = true;
        }
        var indices = destination.IndicesArray;
        bool newIndices = false;
        if ((count < newLogicalLength || requireIndicesOnDense) && (indices == null || indices.Length < count))
        {
            var grown = new int[Math.Max(count, 1)];
            if (keepOldOnResize && indices != null) indices.AsSpan().CopyTo(grown);
            indices = grown;
            newIndices = true;
        }
        return new VBufferEditor<T>(newLogicalLength, count, values, indices, newValues, newIndices);
    }
}

/// <summary>Writes the values (and indices) of a <see cref="VBuffer{T}"/>; <see cref="Commit"/> makes the result.</summary>
public readonly ref struct VBufferEditor<T>
{
    private readonly int _logicalLength;
    private readonly T[] _values;
    private readonly int[]? _indices;

    /// <summary>The stored values to fill.</summary>
    public readonly Span<T> Values;

    /// <summary>The indices to fill for a sparse vector.</summary>
    public readonly Span<int> Indices;

    internal VBufferEditor(int logicalLength, int count, T[] values, int[]? indices, bool createdNewValues, bool createdNewIndices)
    {
        _logicalLength = logicalLength;
        _values = values;
        _indices = indices;
        Values = values.AsSpan(0, count);
        Indices = indices == null ? Span<int>.Empty : indices.AsSpan(0, Math.Min(count, indices.Length));
        CreatedNewValues = createdNewValues;
        CreatedNewIndices = createdNewIndices;
    }

    /// <summary>Whether new value storage was allocated.</summary>
    public bool CreatedNewValues { get; }

    /// <summary>Whether new index storage was allocated.</summary>
    public bool CreatedNewIndices { get; }

    /// <summary>The finished vector.</summary>
    public VBuffer<T> Commit() => new(_logicalLength, Values.Length, _values, _indices);

    /// <summary>The finished vector keeping only the first <paramref name="physicalValuesCount"/> stored values.</summary>
    public VBuffer<T> CommitTruncated(int physicalValuesCount)
    {
        if (physicalValuesCount < 0 || physicalValuesCount > Values.Length) throw new ArgumentOutOfRangeException(nameof(physicalValuesCount));
        return new VBuffer<T>(_logicalLength, physicalValuesCount, _values, _indices);
    }
}
