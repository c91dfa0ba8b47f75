// The IRowToRowMapper of a BatchedRowMapping, for PredictionEngine and TransformerChain composition: each output
// row runs the batch function on a batch of one, once per input Position, and every output column reads that
// cached result (as Microsoft.ML.TorchSharp caches per Position). Not thread-safe, like the rows it serves.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

internal sealed class BatchedRowMapper<TIn, TOut>(BatchedRowMapping<TIn, TOut> mapping, BatchedRowMapping<TIn, TOut>.BoundSchema bound)
    : IRowToRowMapper
{
    public DataViewSchema InputSchema => bound.InputSchema;

    public DataViewSchema OutputSchema => bound.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var needed = new SortedDictionary<int, DataViewSchema.Column>();
        foreach (var column in dependingColumns.Select(bound.CheckOwn))
        {
            if (bound.IsComputed(column))
                foreach (var input in bound.Inputs) needed[input.Index] = input;
            else
                needed[column.Index] = bound.InputSchema[column.Index];
        }
        return needed.Values;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        var active = new bool[bound.OutputSchema.Count];
        foreach (var column in activeColumns) active[bound.CheckOwn(column).Index] = true;
        return new Row(input, mapping, bound, active);
    }

    private sealed class Row : DataViewRow
    {
        private readonly DataViewRow _input;
        private readonly BatchedRowMapping<TIn, TOut> _mapping;
        private readonly BatchedRowMapping<TIn, TOut>.BoundSchema _bound;
        private readonly bool[] _active;
        private Func<TIn>? _read;
        private long _cachedPosition = -1;
        private TOut _cached = default!;

        public Row(DataViewRow input, BatchedRowMapping<TIn, TOut> mapping, BatchedRowMapping<TIn, TOut>.BoundSchema bound, bool[] active)
        {
            _input = input;
            _mapping = mapping;
            _bound = bound;
            _active = active;
        }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override DataViewSchema Schema => _bound.OutputSchema;

        private TOut Current()
        {
            if (_input.Position < 0) throw new InvalidOperationException("The input row has no current value (Position is -1).");
            if (_cachedPosition != _input.Position)
            {
                _read ??= _mapping.MakeReader(_input);
                _cached = _mapping.Run([_read()])[0];
                _cachedPosition = _input.Position;
            }
            return _cached;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column)
        {
            var own = _bound.CheckOwn(column);
            return _bound.IsComputed(own) ? _active[own.Index] : _input.IsColumnActive(_bound.InputSchema[own.Index]);
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var own = _bound.CheckOwn(column);
            if (!_bound.IsComputed(own)) return _input.GetGetter<TValue>(_bound.InputSchema[own.Index]);
            if (!_active[own.Index]) throw new InvalidOperationException($"Column '{own.Name}' is not active.");
            BatchedRowMapping<TIn, TOut>.BoundSchema.CheckType<TValue>(own);
            return (ValueGetter<TValue>)_mapping.Outputs[_bound.OutputIndex(own.Index)].MakeGetter(Current);
        }
    }
}
