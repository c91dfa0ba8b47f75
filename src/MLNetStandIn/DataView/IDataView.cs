// The IDataView contract of Microsoft.ML.DataView: a lazily evaluated, cursorable table.
// Signatures match the real package exactly; this file holds contracts only, no implementations.
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>A lazily evaluated, immutable, cursorable table with a schema.</summary>
public interface IDataView
{
    /// <summary>Whether a cursor can be asked to shuffle its rows.</summary>
    bool CanShuffle { get; }

    /// <summary>The number of rows when known cheaply, otherwise null.</summary>
    long? GetRowCount();

    /// <summary>A cursor over the rows that makes only <paramref name="columnsNeeded"/> active.</summary>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null);

    /// <summary>Up to <paramref name="n"/> cursors that together cover every row once.</summary>
    DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null);

    /// <summary>The schema of the rows.</summary>
    DataViewSchema Schema { get; }
}

/// <summary>Reads one value into <paramref name="value"/>, reusing its buffers when it can.</summary>
public delegate void ValueGetter<TValue>(ref TValue value);

/// <summary>One row of a data view: typed getters for its active columns.</summary>
public abstract class DataViewRow : IDisposable
{
    /// <summary>The row's position; increases with every move of a cursor, -1 before the first.</summary>
    public abstract long Position { get; }

    /// <summary>The batch the row belongs to (0 when the source is not split).</summary>
    public abstract long Batch { get; }

    /// <summary>A getter for the row's unique id.</summary>
    public abstract ValueGetter<DataViewRowId> GetIdGetter();

    /// <summary>Whether <paramref name="column"/> is active, i.e. may be read.</summary>
    public abstract bool IsColumnActive(DataViewSchema.Column column);

    /// <summary>A getter for <paramref name="column"/>; <typeparamref name="TValue"/> must be the column type's RawType.</summary>
    public abstract ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);

    /// <summary>The schema of the row.</summary>
    public abstract DataViewSchema Schema { get; }

    /// <summary>Releases the row's resources.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; override to dispose owned members.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>A row that moves forward through a data view.</summary>
public abstract class DataViewRowCursor : DataViewRow
{
    /// <summary>Advances to the next row; false at the end.</summary>
    public abstract bool MoveNext();
}
