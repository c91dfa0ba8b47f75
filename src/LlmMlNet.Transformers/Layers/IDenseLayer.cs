// The contract of a dense (affine) map over rows, so attention and feed-forward blocks accept a
// plain Linear or a wrapper around one (LoRA, adapters) without knowing which. One virtual call
// per layer call, never per element. Not a general module system.
namespace LlmMlNet.Transformers.Layers;

/// <summary>y[rows, OutFeatures] = f(x[rows, InFeatures]) with a Forward/Backward pair over flat buffers.</summary>
public interface IDenseLayer
{
    /// <summary>Input width.</summary>
    int InFeatures { get; }

    /// <summary>Output width.</summary>
    int OutFeatures { get; }

    /// <summary>Writes output[rows, OutFeatures] (overwrites) from input[rows, InFeatures].</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output, int rows);

    /// <summary>
    /// Accumulates parameter gradients and, unless <paramref name="inputGradient"/> is empty,
    /// inputGradient[rows, InFeatures] += dL/dinput. <paramref name="input"/> is the Forward input.
    /// </summary>
    void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int rows);
}
