// GPT-2's language-model head: logits = h·Eᵀ with the word embedding (tied, no bias), and the
// shifted loss Hugging Face computes (logits at t predict labels at t + 1; -100 ignored). The
// decoder's gradient lands in the word embedding's. Not generation (no sampling, no KV cache).
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Heads;

/// <summary>Causal-language-model head: logits [B·T, vocab].</summary>
public sealed class CausalLmHead : TransformerHead
{
    private readonly Linear _decoder;
    private readonly CrossEntropyLoss _loss;
    private readonly ArenaBuffer _logits, _dLogits;
    private int[] _targets = [];
    private int _rows;

    /// <summary>Builds the head on the model's word embedding.</summary>
    public CausalLmHead(TransformerModel model) : base(model)
    {
        var rows = model.MaxBatch * model.MaxSequence;
        var v = model.Config.VocabSize;
        _decoder = new Linear(model.Parameters.Set, "embeddings.word", null);
        _loss = new CrossEntropyLoss(v, model.Arena, rows);
        _logits = model.Arena.Reserve(checked(rows * v));
        _dLogits = model.Arena.Reserve(checked(rows * v));
    }

    /// <summary>The body only: the LM head has no weights of its own.</summary>
    public override KeyGroup Group => KeyGroup.Encoder;

    /// <summary>logits[B·T, V] = h·Eᵀ.</summary>
    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> hidden)
    {
        _rows = Model.Batch.TokenCount;
        var logits = _logits.Slice(_rows * Model.Config.VocabSize);
        _decoder.Forward(hidden, logits, _rows);
        return logits;
    }

    /// <summary>
    /// Mean cross-entropy of logits[:, t] against labels[:, t + 1] over labels != -100 (Hugging Face's shift);
    /// labels are [B·T], usually the input ids with padding set to -100.
    /// </summary>
    public override float Loss(ReadOnlySpan<int> labels)
    {
        if (labels.Length != _rows) throw new ArgumentException($"expected {_rows} labels (batch × sequence), got {labels.Length}", nameof(labels));
        var t = Model.Batch.SequenceLength;
        _targets = new int[_rows];
        for (var i = 0; i < _rows; i++) _targets[i] = i % t == t - 1 ? -100 : labels[i + 1];
        return _loss.Forward(_logits.Slice(_rows * Model.Config.VocabSize), _targets, _rows);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> hidden, Span<float> hiddenGradient)
    {
        var v = Model.Config.VocabSize;
        var dLogits = _dLogits.Slice(_rows * v);
        dLogits.Clear();
        _loss.Backward(_logits.Slice(_rows * v), _targets, dLogits, _rows);
        _decoder.Backward(hidden, dLogits, hiddenGradient, _rows);
    }
}
