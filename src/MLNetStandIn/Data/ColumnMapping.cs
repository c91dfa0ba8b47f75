// How a stand-in transform derives its output schema from its input: each output column either passes an
// input column through or is computed from named input columns by a getter factory. MappedDataView.cs turns
// a mapping into a lazy data view, a row and a row-to-row mapper. Internal: ML.NET's own equivalents are too.
namespace Microsoft.ML.Data;

/// <summary>An output column computed from <see cref="Dependencies"/> by a getter made from the input row.</summary>
internal sealed record ComputedColumn(DataViewSchema.DetachedColumn Column, int[] Dependencies, Func<DataViewRow, Delegate> MakeGetter);

internal sealed class ColumnMapping
{
    private readonly int[] _source;
    private readonly ComputedColumn?[] _computed;

    /// <summary>Input columns (minus <paramref name="dropped"/> names), then <paramref name="added"/> ones.</summary>
    public ColumnMapping(DataViewSchema input, IReadOnlyList<ComputedColumn> added, ISet<string>? dropped = null)
    {
        InputSchema = input;
        var builder = new DataViewSchema.Builder();
        var source = new List<int>();
        var computed = new List<ComputedColumn?>();
        foreach (var column in input)
        {
            if (dropped != null && dropped.Contains(column.Name)) continue;
            builder.AddColumns([column]);
            source.Add(column.Index);
            computed.Add(null);
        }
        foreach (var column in added)
        {
            builder.AddColumns([column.Column]);
            source.Add(-1);
            computed.Add(column);
        }
        OutputSchema = builder.ToSchema();
        _source = source.ToArray();
        _computed = computed.ToArray();
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    /// <summary>The input column index an output column passes through, or -1 when it is computed.</summary>
    public int SourceOf(int outputIndex) => _source[outputIndex];

    public ComputedColumn Computed(int outputIndex) => _computed[outputIndex]!;

    /// <summary>The input columns needed to serve the given active output columns.</summary>
    public IEnumerable<DataViewSchema.Column> InputsFor(IEnumerable<DataViewSchema.Column> outputs)
    {
        var needed = new SortedSet<int>();
        foreach (var column in outputs)
        {
            int index = RowChecks.CheckColumn(OutputSchema, column, nameof(outputs)).Index;
            if (_source[index] >= 0) needed.Add(_source[index]);
            else needed.UnionWith(_computed[index]!.Dependencies);
        }
        return needed.Select(i => InputSchema[i]);
    }

    public bool[] ActiveFlags(IEnumerable<DataViewSchema.Column> outputs)
    {
        var active = new bool[OutputSchema.Count];
        foreach (var column in outputs) active[RowChecks.CheckColumn(OutputSchema, column, nameof(outputs)).Index] = true;
        return active;
    }
}
