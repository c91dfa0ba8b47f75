// The column plumbing transforms of ML.NET: Concatenate, CopyColumns, DropColumns. Each is a trivial estimator
// (Fit learns nothing) with a row-to-row transformer. SelectColumns and multi-pair copies are not provided.
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms;

/// <summary>Concatenates columns of one item type into a vector column.</summary>
public sealed class ColumnConcatenatingEstimator : IEstimator<ColumnConcatenatingTransformer>
{
    private readonly string _output;
    private readonly string[] _inputs;

    internal ColumnConcatenatingEstimator(string outputColumnName, string[] inputColumnNames)
    {
        _output = outputColumnName ?? throw new ArgumentNullException(nameof(outputColumnName));
        if (inputColumnNames == null || inputColumnNames.Length == 0) throw new ArgumentException("At least one input column is needed.", nameof(inputColumnNames));
        _inputs = inputColumnNames;
    }

    /// <summary>The output shape: a vector of the common item type, of known size when every input has one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input is missing or has a different item type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var columns = _inputs.Select(n => SchemaErrors.Find(inputSchema, n)).ToArray();
        var first = columns[0];
        foreach (var column in columns)
            if (!column.ItemType.Equals(first.ItemType) || column.IsKey != first.IsKey)
                throw SchemaErrors.Mismatch(nameof(inputSchema), "input", column.Name, first.GetTypeString(), column.GetTypeString());
        var kind = columns.Any(c => c.Kind == SchemaShape.Column.VectorKind.VariableVector)
            ? SchemaShape.Column.VectorKind.VariableVector : SchemaShape.Column.VectorKind.Vector;
        return StandInTransformPlumbing.Replace(inputSchema, [StandInTransformPlumbing.Shape(_output, kind, first.ItemType, first.IsKey)]);
    }

    /// <summary>Checks the input and returns the transformer.</summary>
    public ColumnConcatenatingTransformer Fit(IDataView input)
    {
        var transformer = new ColumnConcatenatingTransformer(_output, _inputs);
        transformer.GetOutputSchema((input ?? throw new ArgumentNullException(nameof(input))).Schema);
        return transformer;
    }
}

/// <summary>Concatenates columns of one item type into a vector column.</summary>
public sealed class ColumnConcatenatingTransformer : ITransformer
{
    internal const string LoaderSignature = "ConcatTransform";
    private readonly string _output;
    private readonly string[] _inputs;

    internal ColumnConcatenatingTransformer(string output, string[] inputs)
    {
        _output = output;
        _inputs = inputs;
    }

    bool ITransformer.IsRowToRowMapper => true;

    /// <summary>The schema with the concatenated column added.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Map(inputSchema).OutputSchema;

    /// <summary>The lazily mapped view.</summary>
    public IDataView Transform(IDataView input) => StandInTransformPlumbing.Transform(input, Map);

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema) => StandInTransformPlumbing.Mapper(inputSchema, Map);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature);
        ctx.Values["output"] = _output;
        ctx.Values["inputs"] = TypeCodec.EncodeValues(_inputs);
    }

    internal static ColumnConcatenatingTransformer Load(ModelSaveContext ctx) =>
        new(ctx.Values["output"], (string[])TypeCodec.DecodeValues(ctx.Values["inputs"], typeof(string)));

    private ColumnMapping Map(DataViewSchema inputSchema)
    {
        var columns = _inputs.Select(n => SchemaErrors.Find(inputSchema, n)).ToArray();
        PrimitiveDataViewType ItemOf(DataViewType t) => t is VectorDataViewType v ? v.ItemType : (PrimitiveDataViewType)t;
        var item = ItemOf(columns[0].Type);
        foreach (var column in columns)
            if (!ItemOf(column.Type).Equals(item))
                throw SchemaErrors.Mismatch(nameof(inputSchema), "input", column.Name, item.ToString()!, column.Type.ToString()!);
        int[] sizes = columns.Select(c => c.Type is VectorDataViewType v ? v.Size : 1).ToArray();
        int total = sizes.Contains(0) ? 0 : sizes.Sum();
        var method = typeof(ColumnConcatenatingTransformer).GetMethod(nameof(MakeGetter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var make = (Func<DataViewRow, Delegate>)method.MakeGenericMethod(item.RawType).Invoke(null, [columns])!;
        var computed = new ComputedColumn(new DataViewSchema.DetachedColumn(_output, new VectorDataViewType(item, total)), columns.Select(c => c.Index).ToArray(), make);
        return new ColumnMapping(inputSchema, [computed]);
    }

    private static Func<DataViewRow, Delegate> MakeGetter<T>(DataViewSchema.Column[] columns) => row =>
    {
        var parts = columns.Select(c => c.Type is VectorDataViewType
            ? (Func<IEnumerable<T>>)MakeVectorRead<T>(row, c) : MakeScalarRead<T>(row, c)).ToArray();
        return (ValueGetter<VBuffer<T>>)((ref VBuffer<T> dst) =>
        {
            var all = parts.SelectMany(p => p()).ToArray();
            var editor = VBufferEditor.Create(ref dst, all.Length);
            all.CopyTo(editor.Values);
            dst = editor.Commit();
        });
    };

    private static Func<IEnumerable<T>> MakeVectorRead<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> buffer = default;
        return () =>
        {
            getter(ref buffer);
            return buffer.DenseValues();
        };
    }

    private static Func<IEnumerable<T>> MakeScalarRead<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return [value];
        };
    }
}

/// <summary>Copies a column under a new name (type and annotations included).</summary>
public sealed class ColumnCopyingEstimator : IEstimator<ColumnCopyingTransformer>
{
    private readonly string _output;
    private readonly string _input;

    internal ColumnCopyingEstimator(string outputColumnName, string inputColumnName)
    {
        _output = outputColumnName ?? throw new ArgumentNullException(nameof(outputColumnName));
        _input = inputColumnName ?? throw new ArgumentNullException(nameof(inputColumnName));
    }

    /// <summary>The input shape plus the copy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var input = SchemaErrors.Find(inputSchema, _input);
        return StandInTransformPlumbing.Replace(inputSchema,
            [StandInTransformPlumbing.Shape(_output, input.Kind, input.ItemType, input.IsKey, input.Annotations)]);
    }

    /// <summary>Checks the input and returns the transformer.</summary>
    public ColumnCopyingTransformer Fit(IDataView input)
    {
        var transformer = new ColumnCopyingTransformer(_output, _input);
        transformer.GetOutputSchema((input ?? throw new ArgumentNullException(nameof(input))).Schema);
        return transformer;
    }
}

/// <summary>Copies a column under a new name.</summary>
public sealed class ColumnCopyingTransformer : ITransformer
{
    internal const string LoaderSignature = "CopyTransform";
    private readonly string _output;
    private readonly string _input;

    internal ColumnCopyingTransformer(string output, string input)
    {
        _output = output;
        _input = input;
    }

    bool ITransformer.IsRowToRowMapper => true;

    /// <summary>The schema with the copy added.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Map(inputSchema).OutputSchema;

    /// <summary>The lazily mapped view.</summary>
    public IDataView Transform(IDataView input) => StandInTransformPlumbing.Transform(input, Map);

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema) => StandInTransformPlumbing.Mapper(inputSchema, Map);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature);
        ctx.Values["output"] = _output;
        ctx.Values["input"] = _input;
    }

    internal static ColumnCopyingTransformer Load(ModelSaveContext ctx) => new(ctx.Values["output"], ctx.Values["input"]);

    private ColumnMapping Map(DataViewSchema inputSchema)
    {
        var input = SchemaErrors.Find(inputSchema, _input);
        var computed = new ComputedColumn(new DataViewSchema.DetachedColumn(_output, input.Type, input.Annotations), [input.Index],
            row => CopyGetter(row, input));
        return new ColumnMapping(inputSchema, [computed]);
    }

    private static Delegate CopyGetter(DataViewRow row, DataViewSchema.Column input)
    {
        var method = typeof(DataViewRow).GetMethod(nameof(DataViewRow.GetGetter))!.MakeGenericMethod(input.Type.RawType);
        return (Delegate)method.Invoke(row, [input])!;
    }
}

/// <summary>Drops columns by name (names not present are ignored).</summary>
public sealed class ColumnSelectingEstimator : IEstimator<ColumnSelectingTransformer>
{
    private readonly string[] _drop;

    internal ColumnSelectingEstimator(string[] columnsToDrop) => _drop = columnsToDrop ?? throw new ArgumentNullException(nameof(columnsToDrop));

    /// <summary>The input shape without the dropped columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        new(inputSchema.Where(c => !_drop.Contains(c.Name)));

    /// <summary>Returns the transformer.</summary>
    public ColumnSelectingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ColumnSelectingTransformer(_drop);
    }
}

/// <summary>Drops columns by name.</summary>
public sealed class ColumnSelectingTransformer : ITransformer
{
    internal const string LoaderSignature = "DropColumnsTransform";
    private readonly string[] _drop;

    internal ColumnSelectingTransformer(string[] drop) => _drop = drop;

    bool ITransformer.IsRowToRowMapper => true;

    /// <summary>The schema without the dropped columns.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Map(inputSchema).OutputSchema;

    /// <summary>The lazily mapped view.</summary>
    public IDataView Transform(IDataView input) => StandInTransformPlumbing.Transform(input, Map);

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema) => StandInTransformPlumbing.Mapper(inputSchema, Map);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature);
        ctx.Values["drop"] = TypeCodec.EncodeValues(_drop);
    }

    internal static ColumnSelectingTransformer Load(ModelSaveContext ctx) =>
        new((string[])TypeCodec.DecodeValues(ctx.Values["drop"], typeof(string)));

    private ColumnMapping Map(DataViewSchema inputSchema) =>
        new(inputSchema ?? throw new ArgumentNullException(nameof(inputSchema)), [], new HashSet<string>(_drop, StringComparer.Ordinal));
}
