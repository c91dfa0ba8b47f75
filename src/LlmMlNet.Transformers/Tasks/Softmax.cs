// Row softmax for outputs users see (probabilities, never raw logits), max-subtracted for stability.
// Not the attention softmax (MaskedSoftmax) and not a loss.
using System.Numerics.Tensors;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Numerically stable softmax over one row.</summary>
public static class Softmax
{
    /// <summary>values = exp(values - max) / Σ exp(values - max).</summary>
    public static void InPlace(Span<float> values)
    {
        if (values.IsEmpty) return;
        float max = TensorPrimitives.Max(values);
        TensorPrimitives.Subtract(values, max, values);
        TensorPrimitives.Exp(values, values);
        float sum = TensorPrimitives.Sum(values);
        TensorPrimitives.Divide(values, sum, values);
    }
}
