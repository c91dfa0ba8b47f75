// Sequence classification in each family's Hugging Face layout, on one token per sequence:
// BERT: tanh(pooler.dense(h[CLS])) → dropout → classifier; RoBERTa: h[<s>] → dropout → dense → tanh →
// dropout → out_proj; DistilBERT: h[CLS] → pre_classifier → ReLU → dropout → classifier; GPT-2:
// score(h[last real token]) without bias. Loss: cross-entropy, or MSE when there is one label.
using System.Numerics.Tensors;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Heads;

/// <summary>Sequence-classification head: logits [B, num_labels].</summary>
public sealed class SequenceClassificationHead : TransformerHead
{
    private readonly Linear? _dense;
    private readonly bool _tanh, _dropoutBeforeDense;
    private readonly DropoutLayer _dropout, _inputDropout;
    private readonly Linear _out;
    private readonly CrossEntropyLoss _loss;
    private readonly ArenaBuffer _selected, _preDropped, _pre, _act, _dropped, _logits, _dLogits, _dAct, _dPre, _dSelected;
    private int[] _index = [], _labels = [];
    private int _batch;

    /// <summary>Builds the family's head (BERT's uses the pooler weights, so its parameters need the Pooler group too).</summary>
    /// <exception cref="InvalidOperationException">The parameters lack the Classification (or, for BERT, Pooler) group.</exception>
    public SequenceClassificationHead(TransformerModel model) : base(model)
    {
        RequireGroup(KeyGroup.Classification);
        var config = model.Config;
        var set = model.Parameters.Set;
        var family = config.Family;
        if (family == ModelFamily.Bert) RequireGroup(KeyGroup.Pooler);
        _dense = family switch
        {
            ModelFamily.Bert => new Linear(set, "pooler.dense.weight", "pooler.dense.bias"),
            ModelFamily.Roberta or ModelFamily.DistilBert => new Linear(set, "classifier.dense.weight", "classifier.dense.bias"),
            _ => null,
        };
        _tanh = family is ModelFamily.Bert or ModelFamily.Roberta;
        _dropoutBeforeDense = family == ModelFamily.Roberta;
        var p = family == ModelFamily.Gpt2 ? 0f : (float)config.EffectiveClassifierDropout;
        _dropout = new DropoutLayer("classifier.dropout", p, model.State);
        _inputDropout = new DropoutLayer("classifier.input_dropout", p, model.State);
        _out = new Linear(set, "classifier.out.weight", family == ModelFamily.Gpt2 ? null : "classifier.out.bias");
        var b = model.MaxBatch;
        var c = config.HiddenSize;
        _loss = new CrossEntropyLoss(config.NumLabels, model.Arena, b);
        var arena = model.Arena;
        (_selected, _preDropped, _pre, _act, _dropped) = (arena.Reserve(b * c), arena.Reserve(b * c), arena.Reserve(b * c), arena.Reserve(b * c), arena.Reserve(b * c));
        (_logits, _dLogits) = (arena.Reserve(b * config.NumLabels), arena.Reserve(b * config.NumLabels));
        (_dAct, _dPre, _dSelected) = (arena.Reserve(b * c), arena.Reserve(b * c), arena.Reserve(b * c));
    }

    /// <inheritdoc />
    public override KeyGroup Group => KeyGroup.Classification;

    /// <summary>The token index each row was classified from (0, or GPT-2's last real token).</summary>
    public ReadOnlySpan<int> SummaryIndex => _index;

    /// <summary>logits[B, L] from the summary token of each row.</summary>
    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> hidden)
    {
        var batch = Model.Batch;
        var c = Model.Config.HiddenSize;
        _batch = batch.Batch;
        var n = _batch * c;
        _index = HeadMath.SummaryIndex(Model.Config.Family == ModelFamily.Gpt2, Model.AttentionMask, batch.InputIds,
            Model.Config.PadTokenId, _batch, batch.SequenceLength);
        var x = _selected.Slice(n);
        HeadMath.GatherRows(hidden, _index, batch.SequenceLength, c, x);
        if (_dropoutBeforeDense)
        {
            var dropped = _preDropped.Slice(n);
            x.CopyTo(dropped);
            _inputDropout.Forward(dropped);
            x = dropped;
        }
        var act = _act.Slice(n);
        if (_dense != null)
        {
            var pre = _pre.Slice(n);
            _dense.Forward(x, pre, _batch);
            if (_tanh) TensorPrimitives.Tanh(pre, act);
            else Tensors.Kernels.Relu.Forward(act, pre);
        }
        else x.CopyTo(act);
        var droppedAct = _dropped.Slice(n);
        act.CopyTo(droppedAct);
        _dropout.Forward(droppedAct);
        var logits = _logits.Slice(_batch * Model.Config.NumLabels);
        _out.Forward(droppedAct, logits, _batch);
        return logits;
    }

    /// <summary>
    /// Mean cross-entropy against class ids [B] (num_labels &gt; 1). For a one-label (regression) head use
    /// <see cref="RegressionLoss"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong label count or a class id outside [0, num_labels).</exception>
    public override float Loss(ReadOnlySpan<int> labels)
    {
        if (labels.Length != _batch) throw new ArgumentException($"expected {_batch} labels, got {labels.Length}", nameof(labels));
        _labels = labels.ToArray();
        _regressionTargets = null;
        return _loss.Forward(_logits.Slice(_batch * Model.Config.NumLabels), _labels, _batch);
    }

    private float[]? _regressionTargets;

    /// <summary>Mean squared error against targets [B] for a one-label head (Hugging Face's regression problem type).</summary>
    /// <exception cref="InvalidOperationException">The head has more than one label.</exception>
    public float RegressionLoss(ReadOnlySpan<float> targets)
    {
        if (Model.Config.NumLabels != 1) throw new InvalidOperationException("regression needs num_labels = 1");
        if (targets.Length != _batch) throw new ArgumentException($"expected {_batch} targets, got {targets.Length}", nameof(targets));
        _regressionTargets = targets.ToArray();
        var logits = _logits.Slice(_batch);
        double sum = 0;
        for (var i = 0; i < _batch; i++) sum += (logits[i] - targets[i]) * (double)(logits[i] - targets[i]);
        return (float)(sum / _batch);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> hidden, Span<float> hiddenGradient)
    {
        var c = Model.Config.HiddenSize;
        var n = _batch * c;
        var labels = Model.Config.NumLabels;
        var dLogits = _dLogits.Slice(_batch * labels);
        dLogits.Clear();
        if (_regressionTargets is { } targets)
            for (var i = 0; i < _batch; i++) dLogits[i] = 2f * (_logits.Span[i] - targets[i]) / _batch;
        else _loss.Backward(_logits.Slice(_batch * labels), _labels, dLogits, _batch);
        var dAct = _dAct.Slice(n);
        dAct.Clear();
        _out.Backward(_dropped.Slice(n), dLogits, dAct, _batch);
        var dSelected = _dSelected.Slice(n);
        dSelected.Clear();
        if (_dense != null)
        {
            var dPre = _dPre.Slice(n);
            dPre.Clear();
            _dropout.Backward(dAct, dPre);
            dAct.Clear();
            // dAct now receives d(pre-activation) through tanh or ReLU.
            if (_tanh) HeadMath.TanhBackward(_act.Slice(n), dPre, dAct);
            else Tensors.Kernels.Relu.Backward(dAct, _pre.Slice(n), dPre);
            var denseInput = _dropoutBeforeDense ? _preDropped.Slice(n) : _selected.Slice(n);
            if (_dropoutBeforeDense)
            {
                dPre.Clear();
                _dense.Backward(denseInput, dAct, dPre, _batch);
                _inputDropout.Backward(dPre, dSelected);
            }
            else _dense.Backward(denseInput, dAct, dSelected, _batch);
        }
        else _dropout.Backward(dAct, dSelected);
        HeadMath.ScatterRows(dSelected, _index, Model.Batch.SequenceLength, c, hiddenGradient);
    }
}
