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
    /// Index of the token a sequence-level head reads per row: 0 (CLS / &lt;s&gt;) for encoders. For GPT-2, as Hugging
    /// Face's GPT2ForSequenceClassification: with a pad id, the rightmost token whose id is not the pad id (so left and
    /// right padding both work, and a real eos equal to the pad id is skipped; 0 when every token is a pad); without
    /// one, the last position whose attention mask is 1 (Hugging Face takes the last token and refuses batches &gt; 1).
    /// </summary>
    public static int[] SummaryIndex(bool lastToken, ReadOnlySpan<int> mask, int[] inputIds, int? padTokenId, int batch, int sequenceLength)
    {
        var index = new int[batch];
        if (!lastToken) return index;
        for (var b = 0; b < batch; b++)
        {
            var last = sequenceLength - 1;
            if (padTokenId is { } pad)
            {
                // (arange(T) * (ids != pad)).argmax(-1): the last non-pad position, or 0 when there is none.
                last = 0;
                for (var t = sequenceLength - 1; t > 0; t--)
                    if (inputIds[b * sequenceLength + t] != pad)
                    {
                        last = t;
                        break;
                    }
            }
            else if (!mask.IsEmpty)
            {
                while (last > 0 && mask[b * sequenceLength + last] == 0) last--;
            }
            index[b] = last;
        }
        return index;
    }
}
