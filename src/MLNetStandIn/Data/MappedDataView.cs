// The lazy data view, row, cursor and row-to-row mapper that serve a ColumnMapping over an input view or row.
// Pass-through columns read the input getter; computed getters are made on first request and cached per row.
namespace Microsoft.ML.Data;

internal sealed class MappedDataView(IDataView input, ColumnMapping mapping) : IDataView
{
    public bool CanShuffle => input.CanShuffle;

    public DataViewSchema Schema => mapping.OutputSchema;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = (columnsNeeded ?? throw new ArgumentNullException(nameof(columnsNeeded))).ToList();
        var cursor = input.GetRowCursor(mapping.InputsFor(needed), rand);
        return new MappedCursor(cursor, mapping, mapping.ActiveFlags(needed));
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}

internal sealed class MappedRowCore(DataViewRow input, ColumnMapping mapping, bool[] active)
{
    private readonly Delegate?[] _getters = new Delegate?[mapping.OutputSchema.Count];

    public DataViewRow Input => input;

    public DataViewSchema Schema => mapping.OutputSchema;

    public bool IsColumnActive(DataViewSchema.Column column)
    {
        int index = RowChecks.CheckColumn(Schema, column, nameof(column)).Index;
        int source = mapping.SourceOf(index);
        return source >= 0 ? input.IsColumnActive(mapping.InputSchema[source]) : active[index];
    }

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        var own = RowChecks.CheckColumn(Schema, column, nameof(column));
        int source = mapping.SourceOf(own.Index);
        if (source >= 0) return input.GetGetter<TValue>(mapping.InputSchema[source]);
        if (!active[own.Index])
            throw new InvalidOperationException($"Column '{own.Name}' is not active; request it when creating the cursor.");
        RowChecks.CheckType<TValue>(own);
        return (ValueGetter<TValue>)(_getters[own.Index] ??= mapping.Computed(own.Index).MakeGetter(input));
    }
}

internal sealed class MappedRow(DataViewRow input, ColumnMapping mapping, bool[] active) : DataViewRow
{
    private readonly MappedRowCore _core = new(input, mapping, active);

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override DataViewSchema Schema => _core.Schema;

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _core.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _core.GetGetter<TValue>(column);
}

internal sealed class MappedCursor(DataViewRowCursor input, ColumnMapping mapping, bool[] active) : DataViewRowCursor
{
    private readonly MappedRowCore _core = new(input, mapping, active);

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override DataViewSchema Schema => _core.Schema;

    public override bool MoveNext() => input.MoveNext();

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _core.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _core.GetGetter<TValue>(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing) input.Dispose();
    }
}

internal sealed class MappedRowToRowMapper(ColumnMapping mapping) : IRowToRowMapper
{
    public DataViewSchema InputSchema => mapping.InputSchema;

    public DataViewSchema OutputSchema => mapping.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        mapping.InputsFor(dependingColumns);

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MappedRow(input, mapping, mapping.ActiveFlags(activeColumns));
    }
}
