// An internal data view that keeps the rows of its input whose position passes a predicate, renumbering
// positions. Backs TrainTestSplit. Getters pass through to the input cursor.
namespace Microsoft.ML.Data;

internal sealed class FilterDataView : IDataView
{
    private readonly IDataView _input;
    private readonly Func<long, bool> _keep;

    public FilterDataView(IDataView input, Func<long, bool> keep)
    {
        _input = input;
        _keep = keep;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _input.Schema;

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(_input.GetRowCursor(columnsNeeded), _keep);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor input, Func<long, bool> keep) : DataViewRowCursor
    {
        private long _position = -1;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => input.Schema;

        public override bool MoveNext()
        {
            while (input.MoveNext())
                if (keep(input.Position))
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
