// Small pieces the heads share: gathering one row per sequence (CLS, or GPT-2's last real token)
// and scattering its gradient back, and tanh with its backward. Not kernels for the hot path: each
// touches only [batch, C] values.
using System.Numerics.Tensors;

namespace LlmMlNet.Transformers.Heads;

/// <summary>Row selection and tanh helpers for heads.</summary>
internal static class HeadMath
{
    /// <summary>output[b, :] = hidden[b·T + index[b], :].</summary>
    public static void GatherRows(ReadOnlySpan<float> hidden, ReadOnlySpan<int> index, int sequenceLength, int channels, Span<float> output)
    {
        for (var b = 0; b < index.Length; b++)
            hidden.Slice((b * sequenceLength + index[b]) * channels, channels).CopyTo(output.Slice(b * channels, channels));
    }

    /// <summary>Differentiates GatherRows: hiddenGradient[b·T + index[b], :] += outputGradient[b, :].</summary>
    public static void ScatterRows(ReadOnlySpan<float> outputGradient, ReadOnlySpan<int> index, int sequenceLength, int channels, Span<float> hiddenGradient)
    {
        for (var b = 0; b < index.Length; b++)
        {
            var target = hiddenGradient.Slice((b * sequenceLength + index[b]) * channels, channels);
            TensorPrimitives.Add(target, outputGradient.Slice(b * channels, channels), target);
        }
    }

    /// <summary>Differentiates y = tanh(x) given y: inputGradient += (1 - y²)·outputGradient.</summary>
    public static void TanhBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        for (var i = 0; i < output.Length; i++) inputGradient[i] += (1f - output[i] * output[i]) * outputGradient[i];
    }

    /// <summary>
    /// Index of the token a sequence-level head reads per row: 0 (CLS / &lt;s&gt;) for encoders; for GPT-2 the last
    /// position whose attention mask is 1 (with no mask: the token before the first pad id, else the last token,
    /// as Hugging Face's GPT2ForSequenceClassification).
    /// </summary>
    public static int[] SummaryIndex(bool lastToken, ReadOnlySpan<int> mask, int[] inputIds, int? padTokenId, int batch, int sequenceLength)
    {
        var index = new int[batch];
        if (!lastToken) return index;
        for (var b = 0; b < batch; b++)
        {
            var last = sequenceLength - 1;
            if (!mask.IsEmpty)
            {
                while (last > 0 && mask[b * sequenceLength + last] == 0) last--;
            }
            else if (padTokenId is { } pad)
            {
                var first = Array.IndexOf(inputIds, pad, b * sequenceLength, sequenceLength);
                if (first > b * sequenceLength) last = first - b * sequenceLength - 1;
            }
            index[b] = last;
        }
        return index;
    }
}
