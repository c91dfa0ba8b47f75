// The transformer feed-forward block: dense (C→F) → activation → dense (F→C) → dropout, as a
// Forward/Backward pair over arena buffers; the forward stores f'(pre) for the backward (one multiply
// there instead of a second erf), or nothing when no backward follows. Not the residual add or the LayerNorm around it
// (their placement differs between BERT and GPT-2; models own it).
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Layers;

/// <summary>Position-wise feed-forward block.</summary>
public sealed class FeedForward
{
    private readonly IDenseLayer _intermediate, _output;
    private readonly ActivationFunction _activation;
    private readonly DropoutLayer _dropout;
    private readonly ArenaBuffer _act, _derivative, _out, _dOut, _dAct;

    /// <summary>Builds the block and reserves its buffers for up to <paramref name="maxRows"/> rows.</summary>
    /// <param name="intermediate">Dense C→F (HF "intermediate.dense" / "mlp.c_fc").</param>
    /// <param name="output">Dense F→C (HF "output.dense" / "mlp.c_proj").</param>
    /// <param name="activation">Activation between them.</param>
    /// <param name="dropout">Dropout after the second dense (hidden_dropout_prob / resid_pdrop).</param>
    /// <param name="arena">Activation arena.</param>
    /// <param name="maxRows">Largest batch·seq.</param>
    /// <param name="scratch">Arena for backward-only scratch (may be shared across layers with <see cref="ActivationArena.Rewind"/>); null uses <paramref name="arena"/>.</param>
    /// <exception cref="ArgumentException">The dense layers' widths do not chain (C→F→C).</exception>
    public FeedForward(IDenseLayer intermediate, IDenseLayer output, ActivationFunction activation, DropoutLayer dropout, ActivationArena arena, int maxRows,
        ActivationArena? scratch = null)
    {
        ArgumentNullException.ThrowIfNull(intermediate);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(dropout);
        ArgumentNullException.ThrowIfNull(arena);
        if (output.InFeatures != intermediate.OutFeatures || output.OutFeatures != intermediate.InFeatures)
            throw new ArgumentException($"Feed-forward widths do not chain: {intermediate.InFeatures}→{intermediate.OutFeatures} then {output.InFeatures}→{output.OutFeatures}.", nameof(output));
        _intermediate = intermediate;
        _output = output;
        _activation = activation;
        _dropout = dropout;
        Channels = intermediate.InFeatures;
        Hidden = intermediate.OutFeatures;
        _act = arena.Reserve(checked(maxRows * Hidden));
        _derivative = arena.Reserve(checked(maxRows * Hidden));
        _out = arena.Reserve(checked(maxRows * Channels));
        scratch ??= arena;
        _dOut = scratch.Reserve(checked(maxRows * Channels));
        _dAct = scratch.Reserve(checked(maxRows * Hidden));
    }

    /// <summary>Model width C.</summary>
    public int Channels { get; }

    /// <summary>Inner width F.</summary>
    public int Hidden { get; }

    /// <summary>
    /// x [rows, C] → pre = x·W1ᵀ + b1 [rows, F] → act = f(pre) → out = dropout(act·W2ᵀ + b2) [rows, C],
    /// returned from the arena. With <paramref name="forBackward"/> (the default) f'(pre) is stored for
    /// <see cref="Backward"/>; without it nothing is, and Backward must not follow.
    /// </summary>
    /// <exception cref="ArgumentException">input too short or rows above the arena's sizing.</exception>
    public Span<float> Forward(ReadOnlySpan<float> input, int rows, bool forBackward = true)
    {
        var act = _act.Slice(rows * Hidden);
        var output = _out.Slice(rows * Channels);
        if (_intermediate is Linear { BiasValues.IsEmpty: false } linear && Activations.GeluForm(_activation) is { } form)
        {
            // Bias and GELU in one pass over the [rows, F] block, bit-identical to the two passes below.
            linear.ForwardWithoutBias(input, act, rows);
            if (forBackward) BiasGelu.ForwardWithDerivative(act, _derivative.Slice(rows * Hidden), act, linear.BiasValues, rows, Hidden, form);
            else BiasGelu.Forward(act, act, linear.BiasValues, rows, Hidden, form);
        }
        else
        {
            _intermediate.Forward(input, act, rows);
            if (forBackward) Activations.ForwardWithDerivative(_activation, act, _derivative.Slice(rows * Hidden), act);
            else Activations.Forward(_activation, act, act);
        }
        _output.Forward(act, output, rows);
        _dropout.Forward(output);
        return output;
    }

    /// <summary>
    /// Differentiates out = dropout(dense2(f(dense1(x)))): inputGradient [rows, C] += dL/dx (skipped
    /// when empty) and parameter gradients +=. Call once per Forward (made with forBackward), with the same input and rows.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int rows)
    {
        var dOut = _dOut.Slice(rows * Channels);
        var dAct = _dAct.Slice(rows * Hidden);
        ReadOnlySpan<float> dDense2 = outputGradient[..(rows * Channels)];
        if (_dropout.IsActive)
        {
            dOut.Clear();
            _dropout.Backward(dDense2, dOut);
            dDense2 = dOut;
        }
        dAct.Clear();
        _output.Backward(_act.Slice(rows * Hidden), dDense2, dAct, rows);
        // dL/dpre = f'(pre)·dL/dact, in place.
        CachedDerivative.Backward(dAct, _derivative.Slice(rows * Hidden), dAct);
        _intermediate.Backward(input, dAct, inputGradient, rows);
    }
}
