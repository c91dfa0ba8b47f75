// Activation functions chosen by Hugging Face config name ("hidden_act" / "activation_function"):
// the names are data in one table, mapped onto our kernels. Not a plug-in registry.
using LlmMlNet.Tensors.Kernels;

namespace LlmMlNet.Transformers.Layers;

/// <summary>Element-wise activations the feed-forward block supports.</summary>
public enum ActivationFunction
{
    /// <summary>Exact GELU, x·Φ(x) (HF "gelu", "gelu_python").</summary>
    Gelu,

    /// <summary>Tanh-approximated GELU (HF "gelu_new", "gelu_pytorch_tanh", "gelu_fast").</summary>
    GeluTanh,

    /// <summary>max(x, 0) (HF "relu").</summary>
    Relu,

    /// <summary>tanh(x) (HF "tanh", BERT's pooler).</summary>
    Tanh,
}

/// <summary>Name lookup and dispatch for <see cref="ActivationFunction"/>.</summary>
public static class Activations
{
    private static readonly Dictionary<string, ActivationFunction> ByHuggingFaceName = new(StringComparer.Ordinal)
    {
        ["gelu"] = ActivationFunction.Gelu,
        ["gelu_python"] = ActivationFunction.Gelu,
        ["gelu_new"] = ActivationFunction.GeluTanh,
        ["gelu_pytorch_tanh"] = ActivationFunction.GeluTanh,
        ["gelu_fast"] = ActivationFunction.GeluTanh,
        ["relu"] = ActivationFunction.Relu,
        ["tanh"] = ActivationFunction.Tanh,
    };

    /// <summary>The activation for a Hugging Face config name.</summary>
    /// <exception cref="ArgumentException">The name is not supported (the message lists the supported names).</exception>
    public static ActivationFunction Parse(string huggingFaceName)
    {
        ArgumentNullException.ThrowIfNull(huggingFaceName);
        return ByHuggingFaceName.TryGetValue(huggingFaceName, out var f)
            ? f
            : throw new ArgumentException($"Unsupported activation '{huggingFaceName}'; supported: {string.Join(", ", ByHuggingFaceName.Keys)}.", nameof(huggingFaceName));
    }

    /// <summary>The GELU formula of <paramref name="function"/>, or null when it is not a GELU.</summary>
    public static GeluApproximation? GeluForm(ActivationFunction function) => function switch
    {
        ActivationFunction.Gelu => GeluApproximation.None,
        ActivationFunction.GeluTanh => GeluApproximation.Tanh,
        _ => null,
    };

    /// <summary>output = f(input).</summary>
    public static void Forward(ActivationFunction function, Span<float> output, ReadOnlySpan<float> input)
    {
        switch (function)
        {
            case ActivationFunction.Gelu: Gelu.Forward(output, input, GeluApproximation.None); break;
            case ActivationFunction.GeluTanh: Gelu.Forward(output, input, GeluApproximation.Tanh); break;
            case ActivationFunction.Tanh: TanhKernel.Forward(output, input); break;
            default: Relu.Forward(output, input); break;
        }
    }

    /// <summary>
    /// output = f(input) and derivative = f'(input), for a backward that multiplies by the stored derivative
    /// (<see cref="CachedDerivative.Backward"/>) instead of re-evaluating f'. output may alias input.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void ForwardWithDerivative(ActivationFunction function, Span<float> output, Span<float> derivative, ReadOnlySpan<float> input)
    {
        switch (function)
        {
            case ActivationFunction.Gelu: Gelu.ForwardWithDerivative(output, derivative, input, GeluApproximation.None); return;
            case ActivationFunction.GeluTanh: Gelu.ForwardWithDerivative(output, derivative, input, GeluApproximation.Tanh); return;
        }
        if (derivative.Length != input.Length || output.Length != input.Length)
            throw new ArgumentException($"output ({output.Length}), derivative ({derivative.Length}) and input ({input.Length}) lengths differ.", nameof(derivative));
        if (function == ActivationFunction.Relu)
        {
            for (var i = 0; i < input.Length; i++) derivative[i] = input[i] > 0f ? 1f : 0f;
            Relu.Forward(output, input);
            return;
        }
        TanhKernel.Forward(output, input);
        for (var i = 0; i < output.Length; i++) derivative[i] = 1f - output[i] * output[i];
    }

    /// <summary>Differentiates output = f(input): inputGradient += f'(input)·outputGradient.</summary>
    public static void Backward(ActivationFunction function, Span<float> inputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient)
    {
        switch (function)
        {
            case ActivationFunction.Gelu: Gelu.Backward(inputGradient, input, outputGradient, GeluApproximation.None); break;
            case ActivationFunction.GeluTanh: Gelu.Backward(inputGradient, input, outputGradient, GeluApproximation.Tanh); break;
            case ActivationFunction.Tanh: TanhKernel.Backward(inputGradient, input, outputGradient); break;
            default: Relu.Backward(inputGradient, input, outputGradient); break;
        }
    }
}
