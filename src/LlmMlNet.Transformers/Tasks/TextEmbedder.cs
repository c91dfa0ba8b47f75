// Sentence embeddings from a pre-trained model: the frozen body in eval mode with a pooling (CLS, mean over
// the mask, or BERT's pooler; optionally L2-normalised), texts tokenized and run BatchSize at a time, padded
// to each batch's longest. The same FeatureExtractor that feature-extraction classifiers train on, as a public
// API for front ends (ML.NET's embedding transform, IEmbeddingGenerator). Not a trainer.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>A frozen model that turns texts into embedding vectors.</summary>
public sealed class TextEmbedder
{
    // The featurizer tokenizes and pads classification inputs; embeddings have no labels, so one placeholder label serves.
    private static readonly LabelMap NoLabels = new(["-"]);

    /// <summary>Texts per forward pass by default: 32 (inference keeps no gradients, so it batches wider than training).</summary>
    public const int DefaultBatchSize = 32;
    private readonly FeatureExtractor _extractor;
    private readonly ClassificationFeaturizer _featurizer;
    private readonly object _gate = new();

    private TextEmbedder(FeatureExtractor extractor, ClassificationFeaturizer featurizer, Tokenizer tokenizer, PoolingMode pooling, bool normalize, int batchSize)
    {
        _extractor = extractor;
        _featurizer = featurizer;
        Tokenizer = tokenizer;
        Pooling = pooling;
        Normalize = normalize;
        BatchSize = batchSize;
    }

    /// <summary>The model's parameters (encoder, and the pooler for <see cref="PoolingMode.Pooler"/>).</summary>
    public TransformerParameters Parameters => _extractor.Task.Parameters;

    /// <summary>The tokenizer.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>The pooling.</summary>
    public PoolingMode Pooling { get; }

    /// <summary>Whether embeddings are L2-normalised.</summary>
    public bool Normalize { get; }

    /// <summary>Texts per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per text after truncation (the requested length capped by the model's position table).</summary>
    public int MaxLength => _featurizer.MaxLength;

    /// <summary>The embedding size (the model's hidden size).</summary>
    public int Dimensions => Parameters.Config.HiddenSize;

    /// <summary>Loads the body of a Hugging Face folder (config.json + model.safetensors) for embedding.</summary>
    /// <param name="modelFolder">The folder.</param>
    /// <param name="tokenizer">The tokenizer; null loads the folder's.</param>
    /// <param name="pooling">Pooling of the token states. Default <see cref="PoolingMode.Cls"/>.</param>
    /// <param name="normalize">L2-normalise the embeddings. Default false.</param>
    /// <param name="maxLength">Tokens per text, special tokens included (capped by the position table). Default <see cref="TaskModelOptions.Defaults.MaxLength"/>.</param>
    /// <param name="batchSize">Texts per forward pass. Default <see cref="DefaultBatchSize"/> (32).</param>
    /// <exception cref="ArgumentException">A size out of range.</exception>
    /// <exception cref="InvalidDataException">config.json or the weights are missing or malformed, or the pooler is missing for pooler pooling.</exception>
    public static TextEmbedder Load(string modelFolder, Tokenizer? tokenizer = null, PoolingMode pooling = PoolingMode.Cls, bool normalize = false,
        int maxLength = TaskModelOptions.Defaults.MaxLength, int batchSize = DefaultBatchSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFolder);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var source = ModelSource.FromCheckpoint(modelFolder);
        var config = source.Config;
        tokenizer ??= Tokenizer.Load(modelFolder);
        int length = Math.Min(maxLength, config.MaxPositions - config.PositionOffset);
        var task = TaskModel.ForFeatures(source, pooling == PoolingMode.Pooler, batchSize, length);
        var extractor = new FeatureExtractor(task, pooling, normalize);
        return new TextEmbedder(extractor, new ClassificationFeaturizer(tokenizer, NoLabels, length), tokenizer, pooling, normalize, batchSize);
    }

    /// <summary>
    /// The engine embeddings run on: null (the default) is ours; another (e.g. LlmMlNet.Onnx's OnnxRuntimeEngine) gets the model,
    /// with this pooling, once at the next <see cref="Embed"/>.
    /// </summary>
    public ITaskInferenceEngine? InferenceEngine
    {
        get => _engine.Engine;
        set
        {
            lock (_gate) _engine.Set(value);
        }
    }

    private readonly InferenceEngineSlot _engine = new();

    private ITaskInferenceSession Session() =>
        _engine.Session(() => new TaskInferenceModel(Parameters, Heads.HeadKind.None, null, null, null, Pooling, Normalize));

    /// <summary>One embedding per text, in order; thread-safe (one forward pass at a time).</summary>
    /// <exception cref="ArgumentException">A token id is outside the model's vocabulary (tokenizer and model do not match).</exception>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        int c = Dimensions;
        lock (_gate)
        {
            for (int start = 0; start < texts.Count; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(BatchSize, texts.Count - start);
                var inputs = new ClassificationInput[n];
                for (int i = 0; i < n; i++) inputs[i] = _featurizer.Featurize(texts[start + i] ?? "");
                var batch = _featurizer.Collate(inputs, default).Inputs;
                var pooled = _engine.Engine is null ? _extractor.Pool(batch) : Session().Run(batch)["sentence_embedding"];
                for (int i = 0; i < n; i++) result[start + i] = pooled.AsSpan(i * c, c).ToArray();
            }
        }
        return result;
    }

    /// <summary>Saves the model as a Hugging Face folder (config.json, model.safetensors, tokenizer files) that <see cref="Load"/> reads.</summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Parameters.Save(directory);
        Tokenizer.Save(directory);
    }
}
