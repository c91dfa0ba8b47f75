// MapValueToKey: the estimator that learns a value -> key dictionary (1-based keys, 0 = missing,
// ByOccurrence by default) and its transformer, which puts the dictionary on the output as KeyValues.
// Empty text and NaN are treated as missing, as ML.NET does. Not supported: multiple column pairs in one step.
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms;

/// <summary>Learns a dictionary of the values of a column and maps them to keys.</summary>
public sealed class ValueToKeyMappingEstimator : IEstimator<ValueToKeyMappingTransformer>
{
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;
    private readonly int _maximumNumberOfKeys;
    private readonly KeyOrdinality _keyOrdinality;
    private readonly bool _keyValuesAsText;
    private readonly IDataView? _keyData;

    /// <summary>The order in which keys are assigned.</summary>
    public enum KeyOrdinality : byte
    {
        /// <summary>In order of first occurrence in the data.</summary>
        ByOccurrence = 0,
        /// <summary>In ascending value order.</summary>
        ByValue = 1,
    }

    internal ValueToKeyMappingEstimator(string outputColumnName, string inputColumnName, int maximumNumberOfKeys,
        KeyOrdinality keyOrdinality, bool addKeyValueAnnotationsAsText, IDataView? keyData)
    {
        _outputColumnName = outputColumnName ?? throw new ArgumentNullException(nameof(outputColumnName));
        _inputColumnName = inputColumnName;
        if (maximumNumberOfKeys <= 0) throw new ArgumentOutOfRangeException(nameof(maximumNumberOfKeys), "must be positive");
        _maximumNumberOfKeys = maximumNumberOfKeys;
        _keyOrdinality = keyOrdinality;
        _keyValuesAsText = addKeyValueAnnotationsAsText;
        _keyData = keyData;
    }

    /// <summary>The output shape: a key column (UInt32) with a KeyValues annotation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not a primitive or vector of primitives.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var input = SchemaErrors.Find(inputSchema, _inputColumnName);
        var valueType = _keyValuesAsText ? TextDataViewType.Instance : input.ItemType;
        var annotations = new SchemaShape([StandInTransformPlumbing.Shape("KeyValues", SchemaShape.Column.VectorKind.Vector, valueType, input.IsKey && !_keyValuesAsText)]);
        var output = StandInTransformPlumbing.Shape(_outputColumnName, input.Kind, NumberDataViewType.UInt32, true, annotations);
        return StandInTransformPlumbing.Replace(inputSchema, [output]);
    }

    /// <summary>Scans the input column (or keyData) and builds the dictionary.</summary>
    public ValueToKeyMappingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var source = _keyData ?? input;
        var column = SchemaErrors.Find(source.Schema, _inputColumnName);
        var itemType = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
        var values = (Array)typeof(ValueToKeyMappingEstimator).GetMethod(nameof(Collect), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(itemType.RawType).Invoke(this, [source, column])!;
        return new ValueToKeyMappingTransformer(_outputColumnName, _inputColumnName, (PrimitiveDataViewType)itemType, values, _keyValuesAsText);
    }

    private TItem[] Collect<TItem>(IDataView data, DataViewSchema.Column column)
    {
        var seen = new HashSet<TItem>(KeyDictionary.Comparer<TItem>());
        var order = new List<TItem>();
        using var cursor = data.GetRowCursor([column]);
        void Add(TItem item)
        {
            if (order.Count < _maximumNumberOfKeys && !KeyDictionary.IsMissing(item) && seen.Add(item)) order.Add(item);
        }
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<TItem>>(column);
            VBuffer<TItem> buffer = default;
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                foreach (var item in buffer.DenseValues()) Add(item);
            }
        }
        else
        {
            var getter = cursor.GetGetter<TItem>(column);
            TItem value = default!;
            while (cursor.MoveNext())
            {
                getter(ref value);
                Add(value);
            }
        }
        if (_keyOrdinality == KeyOrdinality.ByValue) order.Sort(KeyDictionary.Order<TItem>());
        return order.ToArray();
    }
}

/// <summary>Maps values to the 1-based keys of a learned dictionary; unseen and missing values map to 0.</summary>
public sealed class ValueToKeyMappingTransformer : ITransformer
{
    internal const string LoaderSignature = "TermTransform";
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;
    private readonly PrimitiveDataViewType _itemType;
    private readonly Array _values;
    private readonly bool _keyValuesAsText;

    internal ValueToKeyMappingTransformer(string outputColumnName, string inputColumnName, PrimitiveDataViewType itemType, Array values, bool keyValuesAsText)
    {
        _outputColumnName = outputColumnName;
        _inputColumnName = inputColumnName;
        _itemType = itemType;
        _values = values;
        _keyValuesAsText = keyValuesAsText;
    }

    bool ITransformer.IsRowToRowMapper => true;

    /// <summary>The schema with the key column added.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Map(inputSchema).OutputSchema;

    /// <summary>The lazily mapped view.</summary>
    public IDataView Transform(IDataView input) => StandInTransformPlumbing.Transform(input, Map);

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema) => StandInTransformPlumbing.Mapper(inputSchema, Map);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature);
        ctx.Values["output"] = _outputColumnName;
        ctx.Values["input"] = _inputColumnName;
        ctx.Values["itemType"] = TypeCodec.Encode(_itemType);
        ctx.Values["values"] = TypeCodec.EncodeValues(_values);
        ctx.Values["keyValuesAsText"] = _keyValuesAsText.ToString();
    }

    internal static ValueToKeyMappingTransformer Load(ModelSaveContext ctx)
    {
        var itemType = (PrimitiveDataViewType)TypeCodec.Decode(ctx.Values["itemType"]);
        return new ValueToKeyMappingTransformer(ctx.Values["output"], ctx.Values["input"], itemType,
            TypeCodec.DecodeValues(ctx.Values["values"], itemType.RawType), bool.Parse(ctx.Values["keyValuesAsText"]));
    }

    private ColumnMapping Map(DataViewSchema inputSchema)
    {
        var input = SchemaErrors.Find(inputSchema, _inputColumnName);
        var inputItem = input.Type is VectorDataViewType v ? v.ItemType : input.Type;
        if (!inputItem.Equals(_itemType))
            throw SchemaErrors.Mismatch(nameof(inputSchema), "input", _inputColumnName, _itemType.ToString()!, inputItem.ToString()!);
        var method = typeof(ValueToKeyMappingTransformer).GetMethod(nameof(MakeColumn), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var computed = (ComputedColumn)method.MakeGenericMethod(_itemType.RawType).Invoke(this, [input])!;
        return new ColumnMapping(inputSchema, [computed]);
    }

    private ComputedColumn MakeColumn<TItem>(DataViewSchema.Column input) where TItem : notnull
    {
        var values = (TItem[])_values;
        var lookup = new Dictionary<TItem, uint>(KeyDictionary.Comparer<TItem>());
        for (int i = 0; i < values.Length; i++) lookup[values[i]] = (uint)(i + 1);
        var keyType = new KeyDataViewType(typeof(uint), Math.Max(1, values.Length));
        var annotations = new DataViewSchema.Annotations.Builder();
        if (_keyValuesAsText)
        {
            var text = values.Select(x => (x?.ToString() ?? "").AsMemory()).ToArray();
            annotations.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, Math.Max(1, text.Length)),
                (ref VBuffer<ReadOnlyMemory<char>> dst) => dst = new VBuffer<ReadOnlyMemory<char>>(text.Length, (ReadOnlyMemory<char>[])text.Clone()));
        }
        else
        {
            annotations.Add("KeyValues", new VectorDataViewType(_itemType, Math.Max(1, values.Length)),
                (ref VBuffer<TItem> dst) => dst = new VBuffer<TItem>(values.Length, (TItem[])values.Clone()));
        }
        uint KeyOf(TItem item) => !KeyDictionary.IsMissing(item) && lookup.TryGetValue(item, out uint key) ? key : 0;
        if (input.Type is VectorDataViewType vector)
        {
            var outType = new VectorDataViewType(keyType, vector.Dimensions);
            return new ComputedColumn(new DataViewSchema.DetachedColumn(_outputColumnName, outType, annotations.ToAnnotations()), [input.Index],
                StandInTransformPlumbing.Map<VBuffer<TItem>, VBuffer<uint>>(input, src =>
                {
                    var keys = src.DenseValues().Select(KeyOf).ToArray();
                    return new VBuffer<uint>(keys.Length, keys);
                }));
        }
        return new ComputedColumn(new DataViewSchema.DetachedColumn(_outputColumnName, keyType, annotations.ToAnnotations()), [input.Index],
            StandInTransformPlumbing.Map<TItem, uint>(input, KeyOf));
    }
}

/// <summary>Equality, ordering and missing-value rules for dictionary items (text compares by content).</summary>
internal static class KeyDictionary
{
    public static IEqualityComparer<T> Comparer<T>() =>
        typeof(T) == typeof(ReadOnlyMemory<char>) ? (IEqualityComparer<T>)(object)new TextComparer() : EqualityComparer<T>.Default;

    public static IComparer<T> Order<T>() =>
        typeof(T) == typeof(ReadOnlyMemory<char>) ? (IComparer<T>)(object)new TextComparer() : System.Collections.Generic.Comparer<T>.Default;

    public static bool IsMissing<T>(T value) => value switch
    {
        ReadOnlyMemory<char> text => text.IsEmpty,
        float f => float.IsNaN(f),
        double d => double.IsNaN(d),
        _ => false,
    };

    private sealed class TextComparer : IEqualityComparer<ReadOnlyMemory<char>>, IComparer<ReadOnlyMemory<char>>
    {
        public bool Equals(ReadOnlyMemory<char> x, ReadOnlyMemory<char> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<char> obj) => string.GetHashCode(obj.Span, StringComparison.Ordinal);

        public int Compare(ReadOnlyMemory<char> x, ReadOnlyMemory<char> y) => x.Span.SequenceCompareTo(y.Span);
    }
}
