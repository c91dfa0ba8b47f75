// TransformerChain: an immutable sequence of fitted transformers applied in order. Row-to-row only when
// every member is; its mapper composes the members' mappers. Saving works only when every member can be
// saved (the stand-in's own transforms), as with real ML.NET.
using System.Collections;
using System.Globalization;

namespace Microsoft.ML.Data;

/// <summary>A chain of transformers applied in order.</summary>
public sealed class TransformerChain<TLastTransformer> : ITransformer, IEnumerable<ITransformer>, IDisposable
    where TLastTransformer : class, ITransformer
{
    private readonly ITransformer[] _transformers;
    private readonly TransformerScope[] _scopes;

    /// <summary>The last transformer, or null for an empty chain.</summary>
    public readonly TLastTransformer LastTransformer;

    /// <summary>A chain with one scope per transformer.</summary>
    /// <exception cref="ArgumentException">The counts differ, or the last transformer is not a TLastTransformer.</exception>
    public TransformerChain(IEnumerable<ITransformer> transformers, IEnumerable<TransformerScope> scopes)
    {
        _transformers = (transformers ?? throw new ArgumentNullException(nameof(transformers))).ToArray();
        _scopes = (scopes ?? throw new ArgumentNullException(nameof(scopes))).ToArray();
        if (_transformers.Length != _scopes.Length) throw new ArgumentException("One scope per transformer is needed.", nameof(scopes));
        LastTransformer = LastAs(_transformers);
    }

    /// <summary>A chain whose transformers apply everywhere.</summary>
    public TransformerChain(params ITransformer[] transformers)
    {
        _transformers = (transformers ?? throw new ArgumentNullException(nameof(transformers))).ToArray();
        _scopes = _transformers.Select(_ => TransformerScope.Everything).ToArray();
        LastTransformer = LastAs(_transformers);
    }

    private static TLastTransformer LastAs(ITransformer[] transformers)
    {
        if (transformers.Length == 0) return null!;
        return transformers[^1] as TLastTransformer
            ?? throw new ArgumentException($"The last transformer must be a {typeof(TLastTransformer).Name}.", nameof(transformers));
    }

    bool ITransformer.IsRowToRowMapper => _transformers.All(t => t.IsRowToRowMapper);

    /// <summary>The schema after every transformer.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => GetOutputSchema(inputSchema, TransformerScope.Everything);

    /// <summary>The schema after the transformers whose scope intersects <paramref name="scope"/>.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema, TransformerScope scope)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var schema = inputSchema;
        for (int i = 0; i < _transformers.Length; i++)
            if ((_scopes[i] & scope) != 0) schema = _transformers[i].GetOutputSchema(schema);
        return schema;
    }

    /// <summary>Applies every transformer (lazily).</summary>
    public IDataView Transform(IDataView input) => Transform(input, TransformerScope.Everything);

    /// <summary>Applies the transformers whose scope intersects <paramref name="scope"/>.</summary>
    public IDataView Transform(IDataView input, TransformerScope scope)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = input;
        for (int i = 0; i < _transformers.Length; i++)
            if ((_scopes[i] & scope) != 0) current = _transformers[i].Transform(current);
        return current;
    }

    /// <summary>The sub-chain of transformers whose scope intersects <paramref name="scopeFilter"/>.</summary>
    public TransformerChain<ITransformer> GetModelFor(TransformerScope scopeFilter)
    {
        var keep = Enumerable.Range(0, _transformers.Length).Where(i => (_scopes[i] & scopeFilter) != 0).ToArray();
        return new TransformerChain<ITransformer>(keep.Select(i => _transformers[i]), keep.Select(i => _scopes[i]));
    }

    /// <summary>A new chain with <paramref name="transformer"/> appended.</summary>
    public TransformerChain<TNewLast> Append<TNewLast>(TNewLast transformer, TransformerScope scope = TransformerScope.Everything)
        where TNewLast : class, ITransformer =>
        new([.. _transformers, transformer ?? throw new ArgumentNullException(nameof(transformer))], [.. _scopes, scope]);

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!((ITransformer)this).IsRowToRowMapper)
            throw new InvalidOperationException("Every transformer of the chain must be a row-to-row mapper.");
        var mappers = new List<IRowToRowMapper>();
        var schema = inputSchema;
        foreach (var transformer in _transformers)
        {
            var mapper = transformer.GetRowToRowMapper(schema);
            mappers.Add(mapper);
            schema = mapper.OutputSchema;
        }
        return new CompositeRowToRowMapper(inputSchema, mappers.ToArray());
    }

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        var children = _transformers.Select(ModelFile.SaveComponent).ToList();
        ctx.SetVersionInfo(TransformerChainPersistence.LoaderSignature);
        ctx.Values["scopes"] = string.Join(",", _scopes.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)));
        ctx.Children.AddRange(children);
    }

    /// <summary>The transformers in order.</summary>
    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)_transformers).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes the members that are IDisposable.</summary>
    public void Dispose()
    {
        foreach (var transformer in _transformers)
            (transformer as IDisposable)?.Dispose();
    }
}

internal static class TransformerChainPersistence
{
    public const string LoaderSignature = "TransformerChain";

    public static ITransformer Load(ModelSaveContext ctx)
    {
        var scopes = ctx.Values["scopes"].Length == 0 ? []
            : ctx.Values["scopes"].Split(',').Select(s => (TransformerScope)int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new TransformerChain<ITransformer>(ctx.Children.Select(ModelFile.Instantiate).ToArray(), scopes);
    }
}

/// <summary>Composes row-to-row mappers; each stage activates only what the next stage depends on.</summary>
internal sealed class CompositeRowToRowMapper(DataViewSchema inputSchema, IRowToRowMapper[] mappers) : IRowToRowMapper
{
    public DataViewSchema InputSchema => inputSchema;

    public DataViewSchema OutputSchema => mappers.Length == 0 ? inputSchema : mappers[^1].OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var columns = dependingColumns.ToList();
        for (int i = mappers.Length - 1; i >= 0; i--) columns = mappers[i].GetDependencies(columns).ToList();
        return columns;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        var active = new List<DataViewSchema.Column>[mappers.Length];
        var needed = activeColumns.ToList();
        for (int i = mappers.Length - 1; i >= 0; i--)
        {
            active[i] = needed;
            needed = mappers[i].GetDependencies(needed).ToList();
        }
        var row = input;
        for (int i = 0; i < mappers.Length; i++) row = mappers[i].GetRow(row, active[i]);
        return row;
    }
}
