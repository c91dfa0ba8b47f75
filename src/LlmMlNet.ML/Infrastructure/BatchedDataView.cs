// The lazy IDataView of a BatchedRowMapping. A cursor that serves computed columns walks two input cursors in
// lockstep: the main one serves pass-through columns of the current row, a look-ahead one reads the next N rows'
// inputs so the batch function runs once per N rows. Upstream columns both need are therefore computed twice;
// no row values are buffered except the inputs and results of the current batch.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

internal sealed class BatchedDataView<TIn, TOut>(IDataView input, BatchedRowMapping<TIn, TOut> mapping,
    BatchedRowMapping<TIn, TOut>.BoundSchema bound) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema => bound.OutputSchema;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.Select(bound.CheckOwn).ToList();
        var passThrough = needed.Where(c => !bound.IsComputed(c)).Select(c => bound.InputSchema[c.Index]).ToList();
        var active = new bool[bound.OutputSchema.Count];
        foreach (var column in needed) active[column.Index] = true;
        var main = input.GetRowCursor(passThrough);
        var lookAhead = needed.Any(bound.IsComputed) ? input.GetRowCursor(bound.Inputs) : null;
        return new Cursor(main, lookAhead, mapping, bound, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _main;
        private readonly DataViewRowCursor? _lookAhead;
        private readonly BatchedRowMapping<TIn, TOut> _mapping;
        private readonly BatchedRowMapping<TIn, TOut>.BoundSchema _bound;
        private readonly bool[] _active;
        private readonly Func<TIn>? _read;
        private readonly List<TIn> _inputs = [];
        private TOut[] _results = [];
        private int _indexInBatch = -1;

        public Cursor(DataViewRowCursor main, DataViewRowCursor? lookAhead, BatchedRowMapping<TIn, TOut> mapping,
            BatchedRowMapping<TIn, TOut>.BoundSchema bound, bool[] active)
        {
            _main = main;
            _lookAhead = lookAhead;
            _mapping = mapping;
            _bound = bound;
            _active = active;
            _read = lookAhead == null ? null : mapping.MakeReader(lookAhead);
        }

        public override long Position => _main.Position;

        public override long Batch => _main.Batch;

        public override DataViewSchema Schema => _bound.OutputSchema;

        public override bool MoveNext()
        {
            if (!_main.MoveNext()) return false;
            if (_lookAhead != null && ++_indexInBatch >= _results.Length) LoadNextBatch();
            return true;
        }

        private void LoadNextBatch()
        {
            _inputs.Clear();
            while (_inputs.Count < _mapping.BatchSize && _lookAhead!.MoveNext()) _inputs.Add(_read!());
            if (_inputs.Count == 0) throw new InvalidOperationException("The input view returned fewer rows on its second cursor than on its first.");
            _results = _mapping.Run(_inputs);
            _indexInBatch = 0;
        }

        private TOut Current() =>
            _indexInBatch >= 0 && _indexInBatch < _results.Length ? _results[_indexInBatch]
                : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");

        public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[_bound.CheckOwn(column).Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var own = _bound.CheckOwn(column);
            if (!_active[own.Index]) throw new InvalidOperationException($"Column '{own.Name}' is not active; request it when creating the cursor.");
            if (!_bound.IsComputed(own)) return _main.GetGetter<TValue>(_bound.InputSchema[own.Index]);
            BatchedRowMapping<TIn, TOut>.BoundSchema.CheckType<TValue>(own);
            return (ValueGetter<TValue>)_mapping.Outputs[_bound.OutputIndex(own.Index)].MakeGetter(Current);
        }

        protected override void Dispose(bool disposing)
        {
            if (!disposing) return;
            _main.Dispose();
            _lookAhead?.Dispose();
        }
    }
}
