// Microsoft.Extensions.AI's IEmbeddingGenerator over our feature extraction, so .NET AI apps (vector stores,
// semantic search) use local transformer embeddings directly. Runs the Tasks API's TextEmbedder, as the ML.NET
// transformer does; no ML.NET types needed. Inference is synchronous on the CPU: the Task completes when done.
using LlmMlNet.Transformers.Tasks;
using Microsoft.Extensions.AI;

namespace LlmMlNet.ML.Embeddings;

/// <summary>Local transformer embeddings as an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings.</summary>
public sealed class TransformerEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly TextEmbedder _engine;
    private readonly EmbeddingGeneratorMetadata _metadata;

    internal TransformerEmbeddingGenerator(TextEmbedder engine, string? modelPath)
    {
        _engine = engine;
        ModelId = modelPath == null ? "llmmlnet" : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelPath)));
        _metadata = new EmbeddingGeneratorMetadata("LlmMlNet", null, ModelId, engine.Dimensions);
    }

    /// <summary>
    /// Loads a generator from a local Hugging Face checkpoint folder (tokenizer files in the same folder unless
    /// <see cref="TransformerEmbeddingEstimator.Options.TokenizerPath"/> says otherwise). Column names in the options are ignored.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The model folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json, the weights or the tokenizer are missing; the message names the file.</exception>
    public static TransformerEmbeddingGenerator FromPretrained(TransformerEmbeddingEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var engine = TransformerEmbeddingEstimator.LoadEmbedder(TransformerEmbeddingEstimator.Validate(options));
        return new TransformerEmbeddingGenerator(engine, options.ModelPath);
    }

    /// <summary>The model name reported in each embedding (the checkpoint folder's name).</summary>
    public string ModelId { get; }

    /// <summary>The embedding size.</summary>
    public int Dimensions => _engine.Dimensions;

    /// <summary>One embedding per value, in order, computed in batches. Null values embed as empty text.</summary>
    /// <exception cref="OperationCanceledException">Cancelled between batches.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        var vectors = _engine.Embed(texts, cancellationToken);
        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId, CreatedAt = created }));
        return Task.FromResult(result);
    }

    /// <summary>Returns the <see cref="EmbeddingGeneratorMetadata"/>, or this generator for its own type; null otherwise.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey != null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the model lives in managed memory.</summary>
    public void Dispose()
    {
    }
}
