// An internal data view over a replayable stream of rows, each an array of boxed raw column values.
// Backs LoadFromEnumerable, LoadFromTextFile and model-free test data; every cursor replays the stream.
// Not a cache and not shuffleable.
namespace Microsoft.ML.Data;

internal sealed class RowStreamDataView : IDataView
{
    private readonly Func<IEnumerable<object?[]>> _rows;
    private readonly Func<long?> _rowCount;

    public RowStreamDataView(DataViewSchema schema, Func<IEnumerable<object?[]>> rows, Func<long?> rowCount)
    {
        Schema = schema;
        _rows = rows;
        _rowCount = rowCount;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded ?? throw new ArgumentNullException(nameof(columnsNeeded)))
            active[RowChecks.CheckColumn(Schema, column, nameof(columnsNeeded)).Index] = true;
        return new Cursor(this, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly RowStreamDataView _parent;
        private readonly bool[] _active;
        private readonly IEnumerator<object?[]> _rows;
        private object?[]? _current;
        private long _position = -1;

        public Cursor(RowStreamDataView parent, bool[] active)
        {
            _parent = parent;
            _active = active;
            _rows = parent._rows().GetEnumerator();
        }

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => _parent.Schema;

        public override bool MoveNext()
        {
            if (!_rows.MoveNext())
            {
                _current = null;
                return false;
            }
            _current = _rows.Current;
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[RowChecks.CheckColumn(Schema, column, nameof(column)).Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int index = RowChecks.CheckGetter<TValue>(Schema, column, _active);
            return (ref TValue value) =>
            {
                var row = _current ?? throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
                value = (TValue)row[index]!;
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _rows.Dispose();
        }
    }
}
