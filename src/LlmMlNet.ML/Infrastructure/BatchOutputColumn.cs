// One output column of a batched row-to-row mapping: its name, type, annotations, and a writer that copies the
// part of one row's batch result into the column's getter value. Holds no data itself.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

/// <summary>Writes one column's value for a row from that row's result.</summary>
internal delegate void OutputWriter<in TOut, TValue>(TOut result, ref TValue destination);

/// <summary>An output column of a <see cref="BatchedRowMapping{TIn, TOut}"/>.</summary>
internal sealed class BatchOutputColumn<TOut>
{
    private readonly Func<Func<TOut>, Delegate> _makeGetter;

    private BatchOutputColumn(DataViewSchema.DetachedColumn column, Func<Func<TOut>, Delegate> makeGetter)
    {
        Column = column;
        _makeGetter = makeGetter;
    }

    /// <summary>The column as it appears in the output schema.</summary>
    public DataViewSchema.DetachedColumn Column { get; }

    /// <summary>A column of <paramref name="type"/> whose values <paramref name="write"/> takes from a row's result.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="TValue"/> is not the raw type of <paramref name="type"/>.</exception>
    public static BatchOutputColumn<TOut> Create<TValue>(string name, DataViewType type, OutputWriter<TOut, TValue> write,
        DataViewSchema.Annotations? annotations = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(write);
        if (type.RawType != typeof(TValue))
            throw new ArgumentException($"Output column '{name}' of type {type} needs a writer of {type.RawType.Name}, not {typeof(TValue).Name}.", nameof(write));
        return new BatchOutputColumn<TOut>(new DataViewSchema.DetachedColumn(name, type, annotations),
            current => (ValueGetter<TValue>)((ref TValue dst) => write(current(), ref dst)));
    }

    /// <summary>A getter that writes from whatever result <paramref name="current"/> returns for the row being read.</summary>
    public Delegate MakeGetter(Func<TOut> current) => _makeGetter(current);
}
