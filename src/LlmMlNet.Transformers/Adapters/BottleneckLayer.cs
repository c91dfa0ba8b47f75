// A dense layer followed by a Houlsby adapter: z = y + up(f(down(y))) with y = dense(x). Wrapping the
// block's output dense puts the adapter after the sub-layer and before its residual sum and LayerNorm,
// as Houlsby does (the sub-layer's dropout then follows the adapter instead of preceding it; in eval
// mode the two orders are the same). Not the weights' owner (BottleneckAdapter).
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>A base dense layer with a bottleneck adapter on its output.</summary>
public sealed class BottleneckLayer : IDenseLayer
{
    private readonly IDenseLayer _base;
    private readonly Linear _down, _up;
    private readonly ActivationFunction _activation;
    private readonly ArenaBuffer _baseOutput, _pre, _act, _upOutput, _dAct, _dBase;

    internal BottleneckLayer(IDenseLayer baseLayer, Linear down, Linear up, ActivationFunction activation, ActivationArena arena, int maxRows)
    {
        if (down.InFeatures != baseLayer.OutFeatures || up.OutFeatures != baseLayer.OutFeatures || up.InFeatures != down.OutFeatures)
            throw new ArgumentException($"Adapter widths {down.InFeatures}→{down.OutFeatures}→{up.OutFeatures} do not fit the dense layer's output {baseLayer.OutFeatures}.", nameof(down));
        _base = baseLayer;
        _down = down;
        _up = up;
        _activation = activation;
        int c = baseLayer.OutFeatures, m = down.OutFeatures;
        _baseOutput = arena.Reserve(checked(maxRows * c));
        _pre = arena.Reserve(checked(maxRows * m));
        _act = arena.Reserve(checked(maxRows * m));
        _upOutput = arena.Reserve(checked(maxRows * c));
        _dAct = arena.Reserve(checked(maxRows * m));
        _dBase = arena.Reserve(checked(maxRows * c));
    }

    /// <inheritdoc />
    public int InFeatures => _base.InFeatures;

    /// <inheritdoc />
    public int OutFeatures => _base.OutFeatures;

    /// <summary>output[rows, C] = y + up(f(down(y))), y = dense(input).</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape, or rows exceed the sizing.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        int n = rows * OutFeatures, h = rows * _down.OutFeatures;
        var y = _baseOutput.Slice(n);
        _base.Forward(input, y, rows);
        var pre = _pre.Slice(h);
        var act = _act.Slice(h);
        var up = _upOutput.Slice(n);
        _down.Forward(y, pre, rows);
        Activations.Forward(_activation, act, pre);
        _up.Forward(act, up, rows);
        System.Numerics.Tensors.TensorPrimitives.Add(y, up, output[..n]);
    }

    /// <summary>
    /// Differentiates z = y + up(f(down(y))), y = dense(x): dy = dz + downᵀ(f'·upᵀ(dz)), adapter gradients +=, then the
    /// dense layer's backward from dy (inputGradient += dL/dx).
    /// </summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int rows)
    {
        int n = rows * OutFeatures, h = rows * _down.OutFeatures;
        var dAct = _dAct.Slice(h);
        dAct.Clear();
        _up.Backward(_act.Slice(h), outputGradient, dAct, rows);
        // The activation output is dead once up's weight gradient is formed: reuse it for dL/dpre.
        var dPre = _act.Slice(h);
        dPre.Clear();
        Activations.Backward(_activation, dPre, _pre.Slice(h), dAct);
        var dBase = _dBase.Slice(n);
        outputGradient[..n].CopyTo(dBase);
        _down.Backward(_baseOutput.Slice(n), dPre, dBase, rows);
        _base.Backward(input, dBase, inputGradient, rows);
    }
}
