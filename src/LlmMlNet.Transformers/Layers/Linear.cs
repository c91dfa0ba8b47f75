// nn.Linear over rows: y = x·Wᵀ + b with W stored [out, in] as PyTorch does, so Hugging Face
// weights load without transposes. A frozen weight skips its gradient GEMM entirely; an empty
// input-gradient span skips dX (first layer). Not a LoRA wrapper (that builds on IDenseLayer).
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Layers;

/// <summary>Affine layer whose weight [out, in] and optional bias [out] live in a <see cref="ParameterSet"/>.</summary>
public sealed class Linear : IDenseLayer
{
    private readonly ParameterSet _parameters;
    private readonly ParameterHandle _weight;
    private readonly ParameterHandle? _bias;

    /// <summary>Binds the layer to named tensors of <paramref name="parameters"/>.</summary>
    /// <param name="parameters">Where the weights (and their gradients) live.</param>
    /// <param name="weightName">A 2-D tensor [out, in].</param>
    /// <param name="biasName">A 1-D tensor [out], or null for no bias.</param>
    /// <exception cref="ArgumentException">A name is unknown or a shape does not fit.</exception>
    public Linear(ParameterSet parameters, string weightName, string? biasName)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _weight = parameters.Handle(weightName);
        if (_weight.Shape.Length != 2)
            throw new ArgumentException($"Linear weight '{weightName}' must be 2-D [out, in], got {_weight.ShapeText}.", nameof(weightName));
        OutFeatures = _weight.Shape[0];
        InFeatures = _weight.Shape[1];
        if (biasName is not null)
        {
            var bias = parameters.Handle(biasName);
            if (bias.Length != OutFeatures || bias.Shape.Length != 1)
                throw new ArgumentException($"Linear bias '{biasName}' must be [{OutFeatures}], got {bias.ShapeText}.", nameof(biasName));
            _bias = bias;
        }
    }

    /// <inheritdoc />
    public int InFeatures { get; }

    /// <inheritdoc />
    public int OutFeatures { get; }

    /// <summary>The weight's handle (e.g. for LoRA merges).</summary>
    public ParameterHandle Weight => _weight;

    /// <summary>The bias's handle, or null.</summary>
    public ParameterHandle? Bias => _bias;

    /// <summary>output[rows, out] = input[rows, in] · Wᵀ + b.</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape; thrown before any work.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        ForwardWithoutBias(input, output, rows);
        if (_bias is { } b) BiasAdd.Forward(output, _parameters.Value(b), rows, OutFeatures);
    }

    /// <summary>
    /// output[rows, out] = input[rows, in] · Wᵀ, leaving the bias (<see cref="BiasValues"/>) to a caller that fuses
    /// it into its next kernel (the feed-forward block's bias + GELU). Backward is the same as after <see cref="Forward"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape; thrown before any work.</exception>
    public void ForwardWithoutBias(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        Check(input.Length, output.Length, rows, nameof(input), nameof(output));
        Gemm.Sgemm(false, true, rows, OutFeatures, InFeatures, 1f, input, InFeatures,
            _parameters.Value(_weight), InFeatures, 0f, output, OutFeatures);
    }

    /// <summary>The bias's current values [out], or an empty span when the layer has no bias.</summary>
    public ReadOnlySpan<float> BiasValues => _bias is { } b ? _parameters.Value(b) : default;

    /// <summary>
    /// Differentiates y = x·Wᵀ + b: dX += dY·W (skipped when <paramref name="inputGradient"/> is empty),
    /// dW += dYᵀ·x (skipped when W is frozen), db += Σ_rows dY (skipped when b is frozen).
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape; thrown before any work.</exception>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int rows)
    {
        Check(input.Length, outputGradient.Length, rows, nameof(input), nameof(outputGradient));
        if (!inputGradient.IsEmpty && inputGradient.Length < (long)rows * InFeatures)
            throw new ArgumentException($"inputGradient has {inputGradient.Length} elements but {rows}x{InFeatures} are needed.", nameof(inputGradient));
        if (rows == 0) return;
        if (!inputGradient.IsEmpty)
            Gemm.Sgemm(false, false, rows, InFeatures, OutFeatures, 1f, outputGradient, OutFeatures,
                _parameters.Value(_weight), InFeatures, 1f, inputGradient, InFeatures);
        if (_weight.Trainable)
            Gemm.Sgemm(true, false, OutFeatures, InFeatures, rows, 1f, outputGradient, OutFeatures,
                input, InFeatures, 1f, _parameters.Gradient(_weight), InFeatures);
        if (_bias is { Trainable: true } b)
            BiasAdd.Backward(_parameters.Gradient(b), outputGradient, rows, OutFeatures);
    }

    private void Check(int inLength, int outLength, int rows, string inName, string outName)
    {
        if (rows < 0) throw new ArgumentException($"rows must be >= 0, got {rows}.", nameof(rows));
        if (inLength < (long)rows * InFeatures)
            throw new ArgumentException($"{inName} has {inLength} elements but {rows}x{InFeatures} are needed.", inName);
        if (outLength < (long)rows * OutFeatures)
            throw new ArgumentException($"{outName} has {outLength} elements but {rows}x{OutFeatures} are needed.", outName);
    }
}
