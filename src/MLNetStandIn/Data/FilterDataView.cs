// An internal data view that keeps the rows of its input that pass a predicate on the input row, renumbering
// positions. Backs TrainTestSplit. Getters pass through to the input cursor; columns the predicate reads are
// activated on the input cursor too.
namespace Microsoft.ML.Data;

internal sealed class FilterDataView : IDataView
{
    private readonly IDataView _input;
    private readonly IReadOnlyList<DataViewSchema.Column> _predicateColumns;
    private readonly Func<DataViewRow, Func<bool>> _makePredicate;

    /// <param name="input">The rows to filter.</param>
    /// <param name="predicateColumns">Input columns the predicate reads.</param>
    /// <param name="makePredicate">Makes, for a cursor, a function telling whether its current row is kept.</param>
    public FilterDataView(IDataView input, IReadOnlyList<DataViewSchema.Column> predicateColumns, Func<DataViewRow, Func<bool>> makePredicate)
    {
        _input = input;
        _predicateColumns = predicateColumns;
        _makePredicate = makePredicate;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _input.Schema;

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = (columnsNeeded ?? throw new ArgumentNullException(nameof(columnsNeeded))).Concat(_predicateColumns)
            .GroupBy(c => c.Index).Select(g => g.First()).ToList();
        var cursor = _input.GetRowCursor(needed);
        return new Cursor(cursor, _makePredicate(cursor));
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor input, Func<bool> keep) : DataViewRowCursor
    {
        private long _position = -1;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => input.Schema;

        public override bool MoveNext()
        {
            while (input.MoveNext())
                if (keep())
                {
                    _position++;
                    return true;
                }
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => input.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => input.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing) input.Dispose();
        }
    }
}
