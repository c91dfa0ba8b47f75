// MapKeyToValue: maps a key column back to the values in its KeyValues annotation (key 0 or out of range
// gives the missing value: NaN for floats, empty text, default otherwise). Trivial estimator: Fit learns nothing.
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms;

/// <summary>Maps keys back to their values using the KeyValues annotation.</summary>
public sealed class KeyToValueMappingEstimator : IEstimator<KeyToValueMappingTransformer>
{
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;

    internal KeyToValueMappingEstimator(string outputColumnName, string inputColumnName)
    {
        _outputColumnName = outputColumnName ?? throw new ArgumentNullException(nameof(outputColumnName));
        _inputColumnName = inputColumnName;
    }

    /// <summary>The output shape: the KeyValues item type, scalar or vector as the input.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not a key.</exception>
    /// <exception cref="InvalidOperationException">The key column has no KeyValues annotation.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var input = SchemaErrors.Find(inputSchema, _inputColumnName);
        if (!input.IsKey) throw SchemaErrors.Mismatch(nameof(inputSchema), "input", _inputColumnName, "key type", input.GetTypeString());
        if (!input.Annotations.TryFindColumn("KeyValues", out var keyValues))
            throw new InvalidOperationException($"Input column '{_inputColumnName}' doesn't contain key values metadata");
        var output = StandInTransformPlumbing.Shape(_outputColumnName, input.Kind, keyValues.ItemType, keyValues.IsKey);
        return StandInTransformPlumbing.Replace(inputSchema, [output]);
    }

    /// <summary>Checks the input and returns the transformer (nothing is learned).</summary>
    public KeyToValueMappingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new KeyToValueMappingTransformer(_outputColumnName, _inputColumnName);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }
}

/// <summary>Maps keys back to their values using the KeyValues annotation of the input column.</summary>
public sealed class KeyToValueMappingTransformer : ITransformer
{
    internal const string LoaderSignature = "KeyToValueTransform";
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;

    internal KeyToValueMappingTransformer(string outputColumnName, string inputColumnName)
    {
        _outputColumnName = outputColumnName;
        _inputColumnName = inputColumnName;
    }

    bool ITransformer.IsRowToRowMapper => true;

    /// <summary>The schema with the value column added.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Map(inputSchema).OutputSchema;

    /// <summary>The lazily mapped view.</summary>
    public IDataView Transform(IDataView input) => StandInTransformPlumbing.Transform(input, Map);

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema) => StandInTransformPlumbing.Mapper(inputSchema, Map);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature);
        ctx.Values["output"] = _outputColumnName;
        ctx.Values["input"] = _inputColumnName;
    }

    internal static KeyToValueMappingTransformer Load(ModelSaveContext ctx) => new(ctx.Values["output"], ctx.Values["input"]);

    private ColumnMapping Map(DataViewSchema inputSchema)
    {
        var input = SchemaErrors.Find(inputSchema, _inputColumnName);
        var itemType = input.Type is VectorDataViewType v ? v.ItemType : input.Type;
        if (itemType is not KeyDataViewType key)
            throw SchemaErrors.Mismatch(nameof(inputSchema), "input", _inputColumnName, "key type", input.Type.ToString()!);
        var keyValues = input.Annotations.Schema.GetColumnOrNull("KeyValues")
            ?? throw new InvalidOperationException($"Input column '{_inputColumnName}' doesn't contain key values metadata");
        var valueType = ((VectorDataViewType)keyValues.Type).ItemType;
        var method = typeof(KeyToValueMappingTransformer).GetMethod(nameof(MakeColumn), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var computed = (ComputedColumn)method.MakeGenericMethod(key.RawType, valueType.RawType).Invoke(this, [input, keyValues, valueType])!;
        return new ColumnMapping(inputSchema, [computed]);
    }

    private ComputedColumn MakeColumn<TKey, TValue>(DataViewSchema.Column input, DataViewSchema.Column keyValues, PrimitiveDataViewType valueType)
    {
        VBuffer<TValue> buffer = default;
        input.Annotations.GetGetter<VBuffer<TValue>>(keyValues)(ref buffer);
        var values = buffer.DenseValues().ToArray();
        TValue missing = typeof(TValue) == typeof(float) ? (TValue)(object)float.NaN
            : typeof(TValue) == typeof(double) ? (TValue)(object)double.NaN : default!;
        TValue ValueOf(TKey key)
        {
            ulong k = Convert.ToUInt64(key);
            return k >= 1 && k <= (ulong)values.Length ? values[k - 1] : missing;
        }
        if (input.Type is VectorDataViewType vector)
            return new ComputedColumn(new DataViewSchema.DetachedColumn(_outputColumnName, new VectorDataViewType(valueType, vector.Dimensions)), [input.Index],
                StandInTransformPlumbing.Map<VBuffer<TKey>, VBuffer<TValue>>(input, src =>
                {
                    var mapped = src.DenseValues().Select(ValueOf).ToArray();
                    return new VBuffer<TValue>(mapped.Length, mapped);
                }));
        return new ComputedColumn(new DataViewSchema.DetachedColumn(_outputColumnName, valueType), [input.Index],
            StandInTransformPlumbing.Map<TKey, TValue>(input, ValueOf));
    }
}
