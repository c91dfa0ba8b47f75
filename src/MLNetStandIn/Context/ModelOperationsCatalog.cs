// ModelOperationsCatalog: model save/load and prediction engines. Save/Load handle only the stand-in's own
// transforms (internal format, not ML.NET-compatible); an out-of-tree transformer fails as on real ML.NET
// with "ModelSignature not specified!".
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>Saving, loading and prediction engines.</summary>
public sealed class ModelOperationsCatalog
{
    internal ModelOperationsCatalog()
    {
    }

    /// <summary>Saves <paramref name="model"/> and the input schema to <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidOperationException">A component cannot be saved (every out-of-tree transformer).</exception>
    public void Save(ITransformer model, DataViewSchema inputSchema, Stream stream) => ModelFile.Save(model, inputSchema, stream);

    /// <summary>Saves <paramref name="model"/> and the input schema to <paramref name="filePath"/> (written atomically).</summary>
    /// <exception cref="InvalidOperationException">A component cannot be saved (every out-of-tree transformer).</exception>
    public void Save(ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string temp = filePath + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = File.Create(temp)) Save(model, inputSchema, stream);
            File.Move(temp, filePath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Loads a model saved by <see cref="Save(ITransformer, DataViewSchema, Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a model file.</exception>
    public ITransformer Load(Stream stream, out DataViewSchema inputSchema) => ModelFile.Load(stream, out inputSchema);

    /// <summary>Loads a model file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public ITransformer Load(string filePath, out DataViewSchema inputSchema)
    {
        using var stream = File.OpenRead(filePath);
        return Load(stream, out inputSchema);
    }

    /// <summary>A prediction engine for <paramref name="transformer"/> (NOT thread-safe); the engine does not own the transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The transformer is not a row-to-row mapper.</exception>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, bool ignoreMissingColumns = true,
        SchemaDefinition? inputSchemaDefinition = null, SchemaDefinition? outputSchemaDefinition = null)
        where TSrc : class where TDst : class, new() =>
        PredictionEngine<TSrc, TDst>.Create(transformer, null, new PredictionEngineOptions
        {
            IgnoreMissingColumns = ignoreMissingColumns,
            InputSchemaDefinition = inputSchemaDefinition,
            OutputSchemaDefinition = outputSchemaDefinition,
            OwnsTransformer = false,
        });

    /// <summary>A prediction engine whose input columns take their types from <paramref name="inputSchema"/> (NOT thread-safe).</summary>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, DataViewSchema inputSchema)
        where TSrc : class where TDst : class, new() =>
        PredictionEngine<TSrc, TDst>.Create(transformer, inputSchema ?? throw new ArgumentNullException(nameof(inputSchema)),
            new PredictionEngineOptions { OwnsTransformer = false });

    /// <summary>A prediction engine configured by <paramref name="options"/> (NOT thread-safe).</summary>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, PredictionEngineOptions options)
        where TSrc : class where TDst : class, new() =>
        PredictionEngine<TSrc, TDst>.Create(transformer, null, options ?? throw new ArgumentNullException(nameof(options)));
}
