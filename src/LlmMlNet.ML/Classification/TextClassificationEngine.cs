// Batched inference of a fine-tuned sequence classifier from plain parameters: body (with bottleneck adapters when
// the model has them) + the family's classification head, softmax over the logits; or, for feature extraction, the
// frozen body + pooling + the trained softmax regression. Used right after training and after loading, so a saved
// and reloaded classifier runs the very same code. One forward at a time (shared arena).
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Text;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.ML.Classification;

/// <summary>A feature-extraction classifier's head: how token states are pooled and the softmax regression on the result.</summary>
internal sealed record PooledHead(PoolingMode Pooling, bool Normalize, SoftmaxRegression Regression);

internal sealed class TextClassificationEngine
{
    private readonly TransformerModel _model;
    private readonly SequenceClassificationHead? _head;
    private readonly FeaturePooling? _pooling;
    private int _forwardPasses;
    private readonly TokenEncoder _encoder;
    private readonly object _gate = new();

    /// <param name="parameters">Encoder, pooler (BERT/RoBERTa) and classification head; LoRA already merged in.</param>
    /// <param name="adapter">Bottleneck adapters the model was tuned with, or null.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxSequenceLength">Tokens per input (capped by the position table).</param>
    /// <param name="batchSize">Inputs per forward pass.</param>
    /// <param name="pooledHead">Feature extraction: pooling + softmax regression instead of the classification head; null otherwise.</param>
    public TextClassificationEngine(TransformerParameters parameters, BottleneckAdapter? adapter, Tokenizer tokenizer, int maxSequenceLength, int batchSize,
        PooledHead? pooledHead = null)
    {
        Parameters = parameters;
        Adapter = adapter;
        PooledHead = pooledHead;
        int length = InferenceBody.SequenceLength(parameters.Config, maxSequenceLength);
        _model = InferenceBody.Create(parameters, adapter, batchSize, length);
        if (pooledHead == null) _head = new SequenceClassificationHead(_model);
        else _pooling = new FeaturePooling(_model, pooledHead.Pooling, pooledHead.Normalize);
        _model.Commit();
        _encoder = new TokenEncoder(tokenizer, length);
        BatchSize = batchSize;
    }

    public TransformerParameters Parameters { get; }

    public BottleneckAdapter? Adapter { get; }

    public PooledHead? PooledHead { get; }

    /// <summary>Forward passes run so far (a test hook: batching means one per <see cref="BatchSize"/> inputs).</summary>
    public int ForwardPasses => Volatile.Read(ref _forwardPasses);

    public Tokenizer Tokenizer => _encoder.Tokenizer;

    public int BatchSize { get; }

    public int Classes => PooledHead?.Regression.Classes ?? Parameters.Config.NumLabels;

    /// <summary>Softmax probabilities per input, in class order.</summary>
    public float[][] Predict(IReadOnlyList<(string Text, string? Pair)> inputs)
    {
        var rows = _encoder.Encode(inputs.Select(i => (i.Text ?? "", i.Pair)).ToArray());
        var result = new float[rows.Length][];
        int k = Classes;
        lock (_gate)
        {
            _model.IsTraining = false;
            for (int start = 0; start < rows.Length; start += BatchSize)
            {
                var chunk = rows.AsSpan(start, Math.Min(BatchSize, rows.Length - start)).ToArray();
                int length = TokenEncoder.Longest(chunk);
                var (ids, mask, types) = _encoder.Pack(chunk, length);
                var batch = new ModelBatch(chunk.Length, length, ids, mask, Parameters.Config.TypeVocabSize > 0 ? types : null);
                Interlocked.Increment(ref _forwardPasses);
                var hidden = _model.Forward(batch);
                if (_pooling != null)
                {
                    var p = PooledHead!.Regression.PredictProbabilities(_pooling.Forward(hidden));
                    for (int r = 0; r < chunk.Length; r++) result[start + r] = p.AsSpan(r * k, k).ToArray();
                    continue;
                }
                var logits = _head!.Forward(hidden);
                for (int r = 0; r < chunk.Length; r++)
                {
                    var p = logits.Slice(r * k, k).ToArray();
                    Softmax.InPlace(p);
                    result[start + r] = p;
                }
            }
        }
        return result;
    }
}
