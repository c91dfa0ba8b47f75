// A dropout site: inverted dropout in training mode, identity in eval mode, with its own seed
// derived from the model seed and the site's name, keyed by TrainingState.Step. In place, so it
// needs no activation buffer of its own. Not the mask storage: backward recomputes the mask.
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Kernels;

namespace LlmMlNet.Transformers.Layers;

/// <summary>Named, seeded dropout site acting in place on its caller's buffer.</summary>
public sealed class DropoutLayer
{
    private readonly TrainingState _state;
    private readonly ulong _stream;

    /// <summary>Creates a site.</summary>
    /// <param name="name">Unique site name (e.g. "encoder.layer.0.attention.probs"); keys the mask.</param>
    /// <param name="probability">Drop probability in [0, 1).</param>
    /// <param name="state">Shared mode/step state.</param>
    /// <exception cref="ArgumentException">probability outside [0, 1).</exception>
    public DropoutLayer(string name, float probability, TrainingState state)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(state);
        if (!(probability >= 0f && probability < 1f))
            throw new ArgumentException($"probability must be in [0, 1), got {probability}.", nameof(probability));
        Name = name;
        Probability = probability;
        _state = state;
        _stream = ParameterInit.StreamOf(name);
    }

    /// <summary>The site name.</summary>
    public string Name { get; }

    /// <summary>Drop probability.</summary>
    public float Probability { get; }

    /// <summary>True when Forward changes values (training mode and p > 0).</summary>
    public bool IsActive => _state.IsTraining && Probability > 0f;

    /// <summary>values = dropout(values) in place (identity when not active).</summary>
    public void Forward(Span<float> values)
    {
        if (IsActive) Dropout.Forward(values, values, Probability, _state.SiteSeed(_stream), _state.Step);
    }

    /// <summary>Differentiates y = keep·x/(1-p): inputGradient += keep·outputGradient/(1-p) (or += outputGradient when inactive).</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        if (IsActive) Dropout.Backward(inputGradient, outputGradient, Probability, _state.SiteSeed(_stream), _state.Step);
        else
        {
            if (inputGradient.Length != outputGradient.Length)
                throw new ArgumentException($"inputGradient has {inputGradient.Length} elements but outputGradient has {outputGradient.Length}.", nameof(inputGradient));
            System.Numerics.Tensors.TensorPrimitives.Add(inputGradient, outputGradient, inputGradient);
        }
    }
}
