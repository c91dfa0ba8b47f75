// A single data view row over the current object of a POCO type, used as PredictionEngine's input row.
// Each SetObject moves Position forward by one, so downstream getters can cache per Position.
namespace Microsoft.ML.Data;

internal sealed class ObjectRow : DataViewRow
{
    private readonly SchemaDefinition _definition;
    private object?[]? _values;
    private long _position = -1;

    public ObjectRow(SchemaDefinition definition, DataViewSchema schema)
    {
        _definition = definition;
        Schema = schema;
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public override long Batch => 0;

    public void SetObject(object item)
    {
        _values = PocoBinding.ReadRaw(item, _definition, Schema);
        _position++;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

    public override bool IsColumnActive(DataViewSchema.Column column) => RowChecks.CheckColumn(Schema, column, nameof(column)).Index >= 0;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        var own = RowChecks.CheckColumn(Schema, column, nameof(column));
        RowChecks.CheckType<TValue>(own);
        return (ref TValue value) =>
        {
            var values = _values ?? throw new InvalidOperationException("No example has been set on the prediction engine's input row.");
            value = (TValue)values[own.Index]!;
        };
    }
}
