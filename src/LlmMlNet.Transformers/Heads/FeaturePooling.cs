// Sentence features from the body's last hidden state: the first token (CLS / <s>), the mean over
// the attention mask, or BERT's pooler output tanh(dense(h[CLS])); optionally L2-normalised. Forward
// and Backward, so features can be trained (e.g. a contrastive loss). Not a classifier.
using System.Numerics.Tensors;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Heads;

/// <summary>How token states are pooled into one vector per sequence.</summary>
public enum PoolingMode
{
    /// <summary>The first token's state (BERT's [CLS], RoBERTa's &lt;s&gt;).</summary>
    Cls,
    /// <summary>The mean of the states whose attention mask is 1.</summary>
    Mean,
    /// <summary>BERT/RoBERTa's pooler: tanh(pooler.dense(h[CLS])); needs the Pooler group.</summary>
    Pooler,
}

/// <summary>Pooling of the last hidden state into features [B, C].</summary>
public sealed class FeaturePooling
{
    private readonly TransformerModel _model;
    private readonly Linear? _pooler;
    private readonly ArenaBuffer _cls, _pooled, _features, _dPooled, _dCls, _dClsInput;
    private readonly float[] _norms;
    private int _batch;

    /// <summary>Builds the pooling over <paramref name="model"/>.</summary>
    /// <param name="model">The body (not yet run: buffers are reserved in its arena).</param>
    /// <param name="mode">Pooling mode.</param>
    /// <param name="normalize">Divide each feature vector by its L2 norm (default false).</param>
    /// <exception cref="InvalidOperationException">Pooler mode without Pooler weights, or the arena is already committed.</exception>
    public FeaturePooling(TransformerModel model, PoolingMode mode, bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Arena.IsCommitted) throw new InvalidOperationException("build the pooling before the model's first Forward");
        _model = model;
        Mode = mode;
        Normalize = normalize;
        if (mode == PoolingMode.Pooler)
        {
            if (!model.Parameters.Groups.Contains(KeyGroup.Pooler))
                throw new InvalidOperationException("pooler pooling needs the model's Pooler weights");
            _pooler = new Linear(model.Parameters.Set, "pooler.dense.weight", "pooler.dense.bias");
        }
        var n = model.MaxBatch * model.Config.HiddenSize;
        (_cls, _pooled, _features, _dPooled) = (model.Arena.Reserve(n), model.Arena.Reserve(n), model.Arena.Reserve(n), model.Arena.Reserve(n));
        (_dCls, _dClsInput) = (model.Arena.Reserve(n), model.Arena.Reserve(_pooler != null ? n : 0));
        _norms = new float[model.MaxBatch];
    }

    /// <summary>The pooling mode.</summary>
    public PoolingMode Mode { get; }

    /// <summary>Whether features are L2-normalised.</summary>
    public bool Normalize { get; }

    /// <summary>Features [B, C] of the body's last Forward.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> hidden)
    {
        var batch = _model.Batch;
        int c = _model.Config.HiddenSize, t = batch.SequenceLength;
        _batch = batch.Batch;
        var n = _batch * c;
        var pooled = _pooled.Slice(n);
        var mask = _model.AttentionMask;
        if (Mode == PoolingMode.Mean)
        {
            pooled.Clear();
            for (var b = 0; b < _batch; b++)
            {
                var row = pooled.Slice(b * c, c);
                var count = 0;
                for (var i = 0; i < t; i++)
                {
                    if (mask[b * t + i] == 0) continue;
                    TensorPrimitives.Add(row, hidden.Slice((b * t + i) * c, c), row);
                    count++;
                }
                TensorPrimitives.Multiply(row, 1f / Math.Max(count, 1), row);
            }
        }
        else
        {
            var cls = _cls.Slice(n);
            HeadMath.GatherRows(hidden, new int[_batch], t, c, cls);
            if (_pooler != null)
            {
                _pooler.Forward(cls, pooled, _batch);
                TensorPrimitives.Tanh(pooled, pooled);
            }
            else cls.CopyTo(pooled);
        }
        var features = _features.Slice(n);
        pooled.CopyTo(features);
        if (Normalize)
            for (var b = 0; b < _batch; b++)
            {
                var row = features.Slice(b * c, c);
                _norms[b] = Math.Max(TensorPrimitives.Norm(row), 1e-12f);
                TensorPrimitives.Multiply(row, 1f / _norms[b], row);
            }
        return features;
    }

    /// <summary>Differentiates Forward: adds dL/dhidden into <paramref name="hiddenGradient"/> and accumulates the pooler's gradients.</summary>
    public void Backward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> featureGradient, Span<float> hiddenGradient)
    {
        int c = _model.Config.HiddenSize, t = _model.Batch.SequenceLength, n = _batch * c;
        var dPooled = _dPooled.Slice(n);
        featureGradient[..n].CopyTo(dPooled);
        if (Normalize)
        {
            // f = p/|p|: dp = (df - f·(f·df)) / |p|.
            var features = _features.Slice(n);
            for (var b = 0; b < _batch; b++)
            {
                var f = features.Slice(b * c, c);
                var d = dPooled.Slice(b * c, c);
                var dot = TensorPrimitives.Dot(f, d);
                for (var i = 0; i < c; i++) d[i] = (d[i] - f[i] * dot) / _norms[b];
            }
        }
        var mask = _model.AttentionMask;
        if (Mode == PoolingMode.Mean)
        {
            for (var b = 0; b < _batch; b++)
            {
                var count = 0;
                for (var i = 0; i < t; i++) count += mask[b * t + i];
                var scale = 1f / Math.Max(count, 1);
                for (var i = 0; i < t; i++)
                {
                    if (mask[b * t + i] == 0) continue;
                    var target = hiddenGradient.Slice((b * t + i) * c, c);
                    TensorPrimitives.MultiplyAdd(dPooled.Slice(b * c, c), scale, target, target);
                }
            }
            return;
        }
        var dCls = dPooled;
        if (_pooler != null)
        {
            var dPre = _dCls.Slice(n);
            dPre.Clear();
            HeadMath.TanhBackward(_pooled.Slice(n), dPooled, dPre);
            dCls = _dClsInput.Slice(n);
            dCls.Clear();
            _pooler.Backward(_cls.Slice(n), dPre, dCls, _batch);
        }
        HeadMath.ScatterRows(dCls, new int[_batch], t, c, hiddenGradient);
    }
}
