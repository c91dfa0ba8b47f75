// Batched inference of a fine-tuned sequence classifier from plain parameters: body (with bottleneck adapters when
// the model has them) + the family's classification head, softmax over the logits. Used right after training and
// after loading, so a saved and reloaded classifier runs the very same code. One forward at a time (shared arena).
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Text;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.ML.Classification;

internal sealed class TextClassificationEngine
{
    private readonly TransformerModel _model;
    private readonly SequenceClassificationHead _head;
    private readonly TokenEncoder _encoder;
    private readonly object _gate = new();

    /// <param name="parameters">Encoder, pooler (BERT/RoBERTa) and classification head; LoRA already merged in.</param>
    /// <param name="adapter">Bottleneck adapters the model was tuned with, or null.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxSequenceLength">Tokens per input (capped by the position table).</param>
    /// <param name="batchSize">Inputs per forward pass.</param>
    public TextClassificationEngine(TransformerParameters parameters, BottleneckAdapter? adapter, Tokenizer tokenizer, int maxSequenceLength, int batchSize)
    {
        Parameters = parameters;
        Adapter = adapter;
        int length = InferenceBody.SequenceLength(parameters.Config, maxSequenceLength);
        _model = InferenceBody.Create(parameters, adapter, batchSize, length);
        _head = new SequenceClassificationHead(_model);
        _model.Commit();
        _encoder = new TokenEncoder(tokenizer, length);
        BatchSize = batchSize;
    }

    public TransformerParameters Parameters { get; }

    public BottleneckAdapter? Adapter { get; }

    public Tokenizer Tokenizer => _encoder.Tokenizer;

    public int BatchSize { get; }

    public int Classes => Parameters.Config.NumLabels;

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
                var logits = _head.Forward(_model.Forward(batch));
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
