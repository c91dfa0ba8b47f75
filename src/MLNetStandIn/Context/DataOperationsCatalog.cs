// DataOperationsCatalog: loading POCO enumerables as data views, reading data views back as POCOs, and the
// train/test split. Only the members LlmMlNet uses; no shuffling, caching, cross-validation or binary IO.
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>Data loading, conversion and splitting.</summary>
public sealed class DataOperationsCatalog
{
    private readonly MLContext _context;

    internal DataOperationsCatalog(MLContext context) => _context = context;

    /// <summary>A train set and a test set.</summary>
    public struct TrainTestData
    {
        /// <summary>The training rows.</summary>
        public readonly IDataView TrainSet;

        /// <summary>The test rows.</summary>
        public readonly IDataView TestSet;

        internal TrainTestData(IDataView trainSet, IDataView testSet)
        {
            TrainSet = trainSet;
            TestSet = testSet;
        }
    }

    /// <summary>
    /// A lazy view over <paramref name="data"/> (enumerated again by every cursor): public fields and readable properties
    /// become columns (string as text, arrays as vectors, [VectorType] fixes the size, [KeyType] makes keys).
    /// </summary>
    /// <exception cref="InvalidOperationException">A member type cannot be mapped.</exception>
    public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data, SchemaDefinition? schemaDefinition = null) where TRow : class =>
        Load(data, schemaDefinition ?? SchemaDefinition.Create(typeof(TRow), SchemaDefinition.Direction.Read), null);

    /// <summary>As above, with the column types and annotations taken from <paramref name="schema"/> where it names a member's column.</summary>
    public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data, DataViewSchema schema) where TRow : class =>
        Load(data, SchemaDefinition.Create(typeof(TRow), SchemaDefinition.Direction.Read), schema ?? throw new ArgumentNullException(nameof(schema)));

    private static IDataView Load<TRow>(IEnumerable<TRow> data, SchemaDefinition definition, DataViewSchema? schema) where TRow : class
    {
        ArgumentNullException.ThrowIfNull(data);
        var viewSchema = PocoBinding.SchemaFor(definition, schema);
        return new RowStreamDataView(viewSchema, () => data.Select(row => PocoBinding.ReadRaw(row, definition, viewSchema)),
            () => data is ICollection<TRow> collection ? collection.Count : data is IReadOnlyCollection<TRow> ro ? ro.Count : null);
    }

    /// <summary>
    /// The rows of <paramref name="data"/> as <typeparamref name="TRow"/> objects (lazy). With <paramref name="reuseRowObject"/> one
    /// object is refilled for every row. A member without a matching column is an error unless <paramref name="ignoreMissingColumns"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A member has no column (and missing columns are not ignored).</exception>
    /// <exception cref="InvalidOperationException">A column's type cannot be bound to its member.</exception>
    public IEnumerable<TRow> CreateEnumerable<TRow>(IDataView data, bool reuseRowObject, bool ignoreMissingColumns = false,
        SchemaDefinition? schemaDefinition = null) where TRow : class, new()
    {
        ArgumentNullException.ThrowIfNull(data);
        var definition = schemaDefinition ?? SchemaDefinition.Create(typeof(TRow), SchemaDefinition.Direction.Write);
        using (var probe = data.GetRowCursor(PocoBinding.ColumnsUsed(data.Schema, definition)))
            PocoBinding.MakeFiller(probe, definition, ignoreMissingColumns);
        return Enumerate<TRow>(data, definition, reuseRowObject, ignoreMissingColumns);
    }

    private static IEnumerable<TRow> Enumerate<TRow>(IDataView data, SchemaDefinition definition, bool reuse, bool ignoreMissing) where TRow : class, new()
    {
        using var cursor = data.GetRowCursor(PocoBinding.ColumnsUsed(data.Schema, definition));
        var fill = PocoBinding.MakeFiller(cursor, definition, ignoreMissing);
        TRow? shared = null;
        while (cursor.MoveNext())
        {
            var row = reuse ? shared ??= new TRow() : new TRow();
            fill(row);
            yield return row;
        }
    }

    /// <summary>
    /// Splits rows at random into a train and a test set (about <paramref name="testFraction"/> of them, default 0.1). The same
    /// <paramref name="seed"/> gives the same split; without one, the seed comes from the MLContext's random source. With
    /// <paramref name="samplingKeyColumnName"/>, rows with equal values in that column land on the same side.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not strictly between 0 and 1, or the sampling key column is missing.</exception>
    public TrainTestData TrainTestSplit(IDataView data, double testFraction = 0.1, string? samplingKeyColumnName = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), "Must be between 0 and 1 exclusive");
        ulong state = (ulong)(seed ?? _context.Random.Next());
        DataViewSchema.Column[] keyColumns = [];
        Func<DataViewRow, Func<long>> makeKey = row => () => row.Position;
        if (samplingKeyColumnName != null)
        {
            var column = data.Schema.GetColumnOrNull(samplingKeyColumnName)
                ?? throw new ArgumentOutOfRangeException(nameof(samplingKeyColumnName), $"Could not find sampling key column '{samplingKeyColumnName}'");
            if (column.Type is not PrimitiveDataViewType)
                throw new ArgumentOutOfRangeException(nameof(samplingKeyColumnName), $"Sampling key column '{samplingKeyColumnName}' must be a scalar, got {column.Type}");
            keyColumns = [column];
            var method = typeof(DataOperationsCatalog).GetMethod(nameof(HashOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(column.Type.RawType);
            makeKey = row => (Func<long>)method.Invoke(null, [row, column])!;
        }
        Func<DataViewRow, Func<bool>> Side(bool test) => row =>
        {
            var key = makeKey(row);
            return () => Uniform(state, key()) >= 1 - testFraction == test;
        };
        return new TrainTestData(new FilterDataView(data, keyColumns, Side(false)), new FilterDataView(data, keyColumns, Side(true)));
    }

    /// <summary>A stable hash of the column's value text (FNV-1a), so equal values group together.</summary>
    private static Func<long> HashOf<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            string text = value?.ToString() ?? "";
            ulong hash = 14695981039346656037UL;
            foreach (char ch in text) hash = (hash ^ ch) * 1099511628211UL;
            return (long)hash;
        };
    }

    private static double Uniform(ulong seed, long position)
    {
        ulong z = seed * 0x9E3779B97F4A7C15UL + (ulong)position + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
