// DataViewRowId: the 128-bit row id of Microsoft.ML.DataView.
// Ids are unique and deterministic like the real ones, but Fork/Next/Combine are not bit-identical to ML.NET's.
namespace Microsoft.ML.Data;

/// <summary>A 128-bit unique row id.</summary>
public readonly struct DataViewRowId : IComparable<DataViewRowId>, IEquatable<DataViewRowId>
{
    /// <summary>The low 64 bits.</summary>
    public readonly ulong Low;

    /// <summary>The high 64 bits.</summary>
    public readonly ulong High;

    /// <summary>An id from its two halves.</summary>
    public DataViewRowId(ulong low, ulong high)
    {
        Low = low;
        High = high;
    }

    /// <summary>A new id derived from this one, distinct from <see cref="Next"/>.</summary>
    public DataViewRowId Fork() => new(Mix(Low ^ 0x9E3779B97F4A7C15UL), Mix(High + 0x632BE59BD9B4E019UL));

    /// <summary>The id after this one.</summary>
    public DataViewRowId Next() => Low == ulong.MaxValue ? new DataViewRowId(0, High + 1) : new DataViewRowId(Low + 1, High);

    /// <summary>An id combining this one with <paramref name="other"/>.</summary>
    public DataViewRowId Combine(DataViewRowId other) => new(Mix(Low ^ Mix(other.Low)), Mix(High ^ Mix(other.High + 1)));

    /// <inheritdoc/>
    public int CompareTo(DataViewRowId other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);

    /// <inheritdoc/>
    public bool Equals(DataViewRowId other) => Low == other.Low && High == other.High;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DataViewRowId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Low, High);

    /// <inheritdoc/>
    public override string ToString() => $"{High:X16}{Low:X16}";

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
