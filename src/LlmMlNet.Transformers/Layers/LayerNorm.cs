// nn.LayerNorm over the last dimension as a Forward/Backward pair; caches per-row mean and 1/std
// in the arena. Handles frozen gain/bias (LoRA, BitFit) by discarding into scratch.
// Not the residual placement (pre/post-LN is the model's choice).
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Layers;

/// <summary>Layer normalisation with weight and bias [channels] from a <see cref="ParameterSet"/>.</summary>
public sealed class LayerNorm
{
    private readonly ParameterSet _parameters;
    private readonly ParameterHandle _weight, _bias;
    private readonly ArenaBuffer _output, _mean, _rstd, _discard;

    /// <summary>Binds weight and bias and reserves output [maxRows, C], mean and rstd [maxRows].</summary>
    /// <param name="parameters">Where weight and bias live.</param>
    /// <param name="weightName">Gain [C].</param>
    /// <param name="biasName">Shift [C].</param>
    /// <param name="epsilon">Added to the variance (BERT 1e-12, GPT-2 1e-5).</param>
    /// <param name="arena">Activation arena.</param>
    /// <param name="maxRows">Largest batch·seq this layer will see.</param>
    /// <exception cref="ArgumentException">Unknown names, mismatched shapes, or a negative epsilon.</exception>
    public LayerNorm(ParameterSet parameters, string weightName, string biasName, float epsilon, ActivationArena arena, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(arena);
        _parameters = parameters;
        _weight = parameters.Handle(weightName);
        _bias = parameters.Handle(biasName);
        if (_weight.Shape.Length != 1 || _bias.Length != _weight.Length)
            throw new ArgumentException($"LayerNorm '{weightName}' {_weight.ShapeText} and '{biasName}' {_bias.ShapeText} must be equal 1-D shapes.", nameof(biasName));
        if (!(epsilon >= 0f)) throw new ArgumentException($"epsilon must be >= 0, got {epsilon}.", nameof(epsilon));
        Channels = _weight.Length;
        Epsilon = epsilon;
        _output = arena.Reserve(checked(maxRows * Channels));
        _mean = arena.Reserve(maxRows);
        _rstd = arena.Reserve(maxRows);
        _discard = arena.Reserve(2 * Channels);
    }

    /// <summary>Normalised width C.</summary>
    public int Channels { get; }

    /// <summary>True when the gain or the bias gets a gradient.</summary>
    public bool IsTrainable => _weight.Trainable || _bias.Trainable;

    /// <summary>The variance epsilon.</summary>
    public float Epsilon { get; }

    /// <summary>Shape: input [rows, C] → output [rows, C] (in the arena, returned).</summary>
    /// <exception cref="ArgumentException">input too short or rows above the arena's sizing.</exception>
    public Span<float> Forward(ReadOnlySpan<float> input, int rows)
    {
        var output = _output.Slice(rows * Channels);
        LayerNormKernel.Forward(output, _mean.Slice(rows), _rstd.Slice(rows), input,
            _parameters.Value(_weight), _parameters.Value(_bias), rows, Channels, Epsilon);
        return output;
    }

    /// <summary>The output of the last Forward over <paramref name="rows"/> rows (kept until the next Forward).</summary>
    /// <exception cref="ArgumentException">rows above the arena's sizing.</exception>
    public ReadOnlySpan<float> Output(int rows) => _output.Slice(rows * Channels);

    /// <summary>
    /// Differentiates y = (x - mean(x))·rstd(x)·weight + bias: inputGradient += dL/dx and, for
    /// trainable tensors, weight/bias gradients +=. <paramref name="input"/> is the Forward input.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int rows)
    {
        // Both frozen (LoRA, adapters): empty spans make the kernel skip the parameter-gradient pass entirely.
        var discard = IsTrainable ? _discard.Span : Span<float>.Empty;
        var dw = _weight.Trainable ? _parameters.Gradient(_weight) : discard[..Math.Min(Channels, discard.Length)];
        var db = _bias.Trainable ? _parameters.Gradient(_bias) : discard[Math.Min(Channels, discard.Length)..];
        LayerNormKernel.Backward(inputGradient, dw, db, outputGradient, input, _parameters.Value(_weight),
            _mean.Slice(rows), _rstd.Slice(rows), rows, Channels);
    }
}
