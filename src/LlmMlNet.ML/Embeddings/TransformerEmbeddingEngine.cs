// The inference core of feature extraction: a loaded body + pooling + tokenizer that turns texts into embedding
// vectors, many rows per forward pass (padded to the longest row of each batch). Shared by the ML.NET transformer
// and the IEmbeddingGenerator. One forward at a time (the model's activation arena is reused), so callers serialize.
using LlmMlNet.ML.Text;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.ML.Embeddings;

internal sealed class TransformerEmbeddingEngine
{
    private readonly TransformerModel _model;
    private readonly FeaturePooling _pooling;
    private readonly TokenEncoder _encoder;
    private readonly object _gate = new();
    private int _forwardPasses;

    /// <summary>Loads the body (and pooler for <see cref="EmbeddingPooling.Pooler"/>) from <paramref name="modelFolder"/>.</summary>
    /// <exception cref="InvalidDataException">The config or weights are malformed.</exception>
    /// <exception cref="InvalidOperationException">Pooler pooling on a model without pooler weights.</exception>
    public TransformerEmbeddingEngine(string modelFolder, Tokenizer tokenizer, EmbeddingPooling pooling, bool normalize, int maxSequenceLength, int batchSize)
    {
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder };
        if (pooling == EmbeddingPooling.Pooler) groups.Add(KeyGroup.Pooler);
        Parameters = TransformerParameters.FromPretrained(modelFolder, groups, out _);
        var config = Parameters.Config;
        MaxSequenceLength = Math.Min(maxSequenceLength, config.MaxPositions - config.PositionOffset);
        BatchSize = batchSize;
        _model = new TransformerModel(Parameters, batchSize, MaxSequenceLength);
        _pooling = new FeaturePooling(_model, pooling.ToMode(), normalize);
        _model.Commit();
        _encoder = new TokenEncoder(tokenizer, MaxSequenceLength);
    }

    public TransformerParameters Parameters { get; }

    public Tokenizer Tokenizer => _encoder.Tokenizer;

    /// <summary>Tokens per text after truncation (the requested length capped by the model's position table).</summary>
    public int MaxSequenceLength { get; }

    public int BatchSize { get; }

    /// <summary>Forward passes run so far (a test hook: batching means one per <see cref="BatchSize"/> texts).</summary>
    public int ForwardPasses => Volatile.Read(ref _forwardPasses);

    /// <summary>The embedding size (the model's hidden size).</summary>
    public int Dimensions => Parameters.Config.HiddenSize;

    /// <summary>One embedding per text, in order; texts are run <see cref="BatchSize"/> at a time.</summary>
    /// <exception cref="ArgumentException">A token id is outside the model's vocabulary (tokenizer and model do not match).</exception>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var result = new float[texts.Count][];
        var rows = _encoder.Encode(texts.Select(t => (t ?? "", (string?)null)).ToArray());
        int c = Dimensions;
        lock (_gate)
        {
            for (int start = 0; start < rows.Length; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = rows.AsSpan(start, Math.Min(BatchSize, rows.Length - start)).ToArray();
                int length = TokenEncoder.Longest(chunk);
                var (ids, mask, types) = _encoder.Pack(chunk, length);
                var batch = new ModelBatch(chunk.Length, length, ids, mask, Parameters.Config.TypeVocabSize > 0 ? types : null);
                Interlocked.Increment(ref _forwardPasses);
                var features = _pooling.Forward(_model.Forward(batch));
                for (int r = 0; r < chunk.Length; r++) result[start + r] = features.Slice(r * c, c).ToArray();
            }
        }
        return result;
    }
}
