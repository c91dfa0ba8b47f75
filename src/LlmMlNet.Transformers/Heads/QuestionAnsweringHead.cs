// Extractive question answering as Hugging Face's ...ForQuestionAnswering: qa_outputs over every
// token gives [B, T, 2], split into start and end logits [B, T]. DistilBERT applies qa_dropout first;
// the others apply none. Loss: the mean of the start and end cross-entropies, positions outside the
// sequence ignored (clamped to T, as Hugging Face does). Not answer-span decoding.
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Heads;

/// <summary>Span-extraction head: start and end logits [B, T].</summary>
public sealed class QuestionAnsweringHead : TransformerHead
{
    private readonly Linear _qa;
    private readonly DropoutLayer _dropout;
    private readonly ArenaBuffer _input, _logits, _start, _end, _dStart, _dEnd, _dLogits, _dInput, _startLse, _endLse;
    private int[] _startTargets = [], _endTargets = [];
    private int _batch, _seq;

    /// <summary>Builds the head.</summary>
    /// <exception cref="InvalidOperationException">The parameters lack the QuestionAnswering group.</exception>
    public QuestionAnsweringHead(TransformerModel model) : base(model)
    {
        RequireGroup(KeyGroup.QuestionAnswering);
        var config = model.Config;
        _qa = new Linear(model.Parameters.Set, "qa.weight", "qa.bias");
        _dropout = new DropoutLayer("qa.dropout", config.Family == ModelFamily.DistilBert ? (float)config.QaDropout : 0f, model.State);
        var rows = model.MaxBatch * model.MaxSequence;
        var arena = model.Arena;
        (_startLse, _endLse) = (arena.Reserve(model.MaxBatch), arena.Reserve(model.MaxBatch));
        (_input, _logits, _dLogits, _dInput) = (arena.Reserve(rows * config.HiddenSize), arena.Reserve(rows * 2), arena.Reserve(rows * 2), arena.Reserve(rows * config.HiddenSize));
        (_start, _end, _dStart, _dEnd) = (arena.Reserve(rows), arena.Reserve(rows), arena.Reserve(rows), arena.Reserve(rows));
    }

    /// <inheritdoc />
    public override KeyGroup Group => KeyGroup.QuestionAnswering;

    /// <summary>Start logits [B, T] of the last Forward.</summary>
    public ReadOnlySpan<float> StartLogits => _start.Slice(_batch * _seq);

    /// <summary>End logits [B, T] of the last Forward.</summary>
    public ReadOnlySpan<float> EndLogits => _end.Slice(_batch * _seq);

    /// <summary>Returns the raw [B·T, 2] logits; <see cref="StartLogits"/> and <see cref="EndLogits"/> hold them split.</summary>
    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> hidden)
    {
        (_batch, _seq) = (Model.Batch.Batch, Model.Batch.SequenceLength);
        var rows = _batch * _seq;
        var input = _input.Slice(rows * Model.Config.HiddenSize);
        hidden[..input.Length].CopyTo(input);
        _dropout.Forward(input);
        var logits = _logits.Slice(rows * 2);
        _qa.Forward(input, logits, rows);
        var start = _start.Slice(rows);
        var end = _end.Slice(rows);
        for (var i = 0; i < rows; i++)
        {
            start[i] = logits[2 * i];
            end[i] = logits[2 * i + 1];
        }
        return logits;
    }

    /// <summary>
    /// (CE(start, start positions) + CE(end, end positions)) / 2; labels are [2·B]: B start positions then
    /// B end positions. Positions outside [0, T) are clamped to T and ignored, as Hugging Face does.
    /// </summary>
    public override float Loss(ReadOnlySpan<int> labels)
    {
        if (labels.Length != 2 * _batch) throw new ArgumentException($"expected {2 * _batch} labels (starts then ends), got {labels.Length}", nameof(labels));
        // Hugging Face clamps positions to [0, T] and ignores T (ignored_index = sequence length).
        _startTargets = labels[.._batch].ToArray().Select(p => Math.Clamp(p, 0, _seq)).ToArray();
        _endTargets = labels[_batch..].ToArray().Select(p => Math.Clamp(p, 0, _seq)).ToArray();
        var startLoss = CrossEntropy.Forward(_startLse.Slice(_batch), StartLogits, _startTargets, _batch, _seq, ignoreIndex: _seq);
        var endLoss = CrossEntropy.Forward(_endLse.Slice(_batch), EndLogits, _endTargets, _batch, _seq, ignoreIndex: _seq);
        return (startLoss + endLoss) / 2;
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> hidden, Span<float> hiddenGradient)
    {
        var rows = _batch * _seq;
        var dStart = _dStart.Slice(rows);
        var dEnd = _dEnd.Slice(rows);
        dStart.Clear();
        dEnd.Clear();
        CrossEntropy.Backward(dStart, StartLogits, _startLse.Slice(_batch), _startTargets, _batch, _seq, 0.5f, _seq);
        CrossEntropy.Backward(dEnd, EndLogits, _endLse.Slice(_batch), _endTargets, _batch, _seq, 0.5f, _seq);
        var dLogits = _dLogits.Slice(rows * 2);
        for (var i = 0; i < rows; i++)
        {
            dLogits[2 * i] = dStart[i];
            dLogits[2 * i + 1] = dEnd[i];
        }
        var dInput = _dInput.Slice(rows * Model.Config.HiddenSize);
        dInput.Clear();
        _qa.Backward(_input.Slice(rows * Model.Config.HiddenSize), dLogits, dInput, rows);
        _dropout.Backward(dInput, hiddenGradient[..dInput.Length]);
    }
}
