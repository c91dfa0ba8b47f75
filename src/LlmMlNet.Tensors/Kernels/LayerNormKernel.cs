// LayerNorm over the last dimension (PyTorch nn.LayerNorm, biased variance, eps inside the sqrt),
// forward caching per-row mean and 1/std, backward as in llm.c. Vectorised per row with
// Vector<float>; the naive twins use double. Not RMSNorm, not a layer with parameters of its own.
using System.Numerics;
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Layer normalisation kernels over rows of length <c>channels</c>.</summary>
public static class LayerNormKernel
{
    /// <summary>
    /// output[n,:] = (x[n,:] - mean[n]) · rstd[n] · weight + bias, mean and rstd = 1/√(var + eps) cached.
    /// Shapes: output, input [rows, channels]; mean, rstd [rows]; weight, bias [channels].
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too short or eps is negative; thrown before any work.</exception>
    public static void Forward(Span<float> output, Span<float> mean, Span<float> rstd, ReadOnlySpan<float> input,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int channels, float eps)
    {
        using var profile = KernelProfile.Time(KernelCategory.LayerNorm);
        Check(output.Length, mean.Length, rstd.Length, input.Length, weight.Length, bias.Length, rows, channels);
        if (!(eps >= 0f)) throw new ArgumentException($"eps must be >= 0, got {eps}.", nameof(eps));
        int rowsPerItem = Math.Max(1, KernelParallel.Elements / 4 / Math.Max(channels, 1));
        ComputePool.For(KernelParallel.Chunks(rows, rowsPerItem), new ForwardBody
        {
            Output = output, Mean = mean, Rstd = rstd, Input = input, Weight = weight, Bias = bias,
            Rows = rows, Channels = channels, RowsPerItem = rowsPerItem, Eps = eps,
        });
    }

    private ref struct ForwardBody : IComputeBody
    {
        public Span<float> Output, Mean, Rstd;
        public ReadOnlySpan<float> Input, Weight, Bias;
        public int Rows, Channels, RowsPerItem;
        public float Eps;

        public readonly void Execute(int index)
        {
            var (first, count) = KernelParallel.Range(index, RowsPerItem, Rows);
            ForwardRows(Output, Mean, Rstd, Input, Weight, Bias, first, first + count, Channels, Eps);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows(Span<float> output, Span<float> mean, Span<float> rstd, ReadOnlySpan<float> input,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int firstRow, int endRow, int channels, float eps)
    {
        int w = Vector<float>.Count;
        for (int r = firstRow; r < endRow; r++)
        {
            var x = input.Slice(r * channels, channels);
            var o = output.Slice(r * channels, channels);
            var sumV = Vector<float>.Zero;
            int i = 0;
            for (; i <= channels - w; i += w) sumV += new Vector<float>(x[i..]);
            float sum = Vector.Sum(sumV);
            for (; i < channels; i++) sum += x[i];
            float m = channels == 0 ? 0f : sum / channels;

            var mv = new Vector<float>(m);
            var varV = Vector<float>.Zero;
            i = 0;
            for (; i <= channels - w; i += w) { var d = new Vector<float>(x[i..]) - mv; varV += d * d; }
            float var = Vector.Sum(varV);
            for (; i < channels; i++) { float d = x[i] - m; var += d * d; }
            float s = 1f / MathF.Sqrt((channels == 0 ? 0f : var / channels) + eps);

            var sv = new Vector<float>(s);
            i = 0;
            for (; i <= channels - w; i += w)
                ((new Vector<float>(x[i..]) - mv) * sv * new Vector<float>(weight[i..]) + new Vector<float>(bias[i..])).CopyTo(o[i..]);
            for (; i < channels; i++) o[i] = (x[i] - m) * s * weight[i] + bias[i];
            mean[r] = m;
            rstd[r] = s;
        }
    }

    /// <summary>
    /// Differentiates output = (x - mean)·rstd·weight + bias (mean and rstd functions of x):
    /// accumulates into inputGradient, weightGradient (Σ norm·dout) and biasGradient (Σ dout).
    /// weightGradient and biasGradient may be empty to skip them (frozen LayerNorm). The input gradient is
    /// split over rows and the parameter gradients over column blocks (each summing every row in order),
    /// so the result does not depend on the thread count.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too short; thrown before any work.</exception>
    public static void Backward(Span<float> inputGradient, Span<float> weightGradient, Span<float> biasGradient,
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, int rows, int channels)
    {
        using var profile = KernelProfile.Time(KernelCategory.LayerNorm);
        int n = KernelArguments.Product(rows, channels, nameof(rows), nameof(channels));
        KernelArguments.AtLeast(inputGradient.Length, n, nameof(inputGradient));
        KernelArguments.AtLeast(outputGradient.Length, n, nameof(outputGradient));
        KernelArguments.AtLeast(input.Length, n, nameof(input));
        KernelArguments.AtLeast(weight.Length, channels, nameof(weight));
        KernelArguments.AtLeast(mean.Length, rows, nameof(mean));
        KernelArguments.AtLeast(rstd.Length, rows, nameof(rstd));
        bool parameterGrads = !weightGradient.IsEmpty || !biasGradient.IsEmpty;
        if (parameterGrads)
        {
            KernelArguments.AtLeast(weightGradient.Length, channels, nameof(weightGradient));
            KernelArguments.AtLeast(biasGradient.Length, channels, nameof(biasGradient));
        }
        int rowsPerItem = Math.Max(1, KernelParallel.Elements / 4 / Math.Max(channels, 1));
        ComputePool.For(KernelParallel.Chunks(rows, rowsPerItem), new InputGradientBody
        {
            InputGradient = inputGradient, OutputGradient = outputGradient, Input = input, Weight = weight, Mean = mean, Rstd = rstd,
            Rows = rows, Channels = channels, RowsPerItem = rowsPerItem,
        });
        if (parameterGrads)
            ComputePool.For(KernelParallel.Chunks(channels, ColumnsPerItem), new ParameterGradientBody
            {
                WeightGradient = weightGradient, BiasGradient = biasGradient, OutputGradient = outputGradient, Input = input,
                Mean = mean, Rstd = rstd, Rows = rows, Channels = channels,
            });
    }

    // Column block of the parameter-gradient pass: a multiple of every vector width, so lanes group as in a whole row.
    private const int ColumnsPerItem = 64;

    private ref struct InputGradientBody : IComputeBody
    {
        public Span<float> InputGradient;
        public ReadOnlySpan<float> OutputGradient, Input, Weight, Mean, Rstd;
        public int Rows, Channels, RowsPerItem;

        public readonly void Execute(int index)
        {
            var (first, count) = KernelParallel.Range(index, RowsPerItem, Rows);
            InputGradientRows(InputGradient, OutputGradient, Input, Weight, Mean, Rstd, first, first + count, Channels);
        }
    }

    private ref struct ParameterGradientBody : IComputeBody
    {
        public Span<float> WeightGradient, BiasGradient;
        public ReadOnlySpan<float> OutputGradient, Input, Mean, Rstd;
        public int Rows, Channels;

        public readonly void Execute(int index)
        {
            var (first, count) = KernelParallel.Range(index, ColumnsPerItem, Channels);
            ParameterGradientColumns(WeightGradient, BiasGradient, OutputGradient, Input, Mean, Rstd, Rows, Channels, first, first + count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradientRows(Span<float> inputGradient, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> input,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, int firstRow, int endRow, int channels)
    {
        int w = Vector<float>.Count;
        for (int r = firstRow; r < endRow; r++)
        {
            var x = input.Slice(r * channels, channels);
            var dout = outputGradient.Slice(r * channels, channels);
            var dx = inputGradient.Slice(r * channels, channels);
            float m = mean[r], s = rstd[r];
            var mv = new Vector<float>(m);
            var sv = new Vector<float>(s);

            var dnormSumV = Vector<float>.Zero;
            var dnormNormSumV = Vector<float>.Zero;
            int i = 0;
            for (; i <= channels - w; i += w)
            {
                var norm = (new Vector<float>(x[i..]) - mv) * sv;
                var dnorm = new Vector<float>(weight[i..]) * new Vector<float>(dout[i..]);
                dnormSumV += dnorm;
                dnormNormSumV += dnorm * norm;
            }
            float dnormSum = Vector.Sum(dnormSumV), dnormNormSum = Vector.Sum(dnormNormSumV);
            for (; i < channels; i++)
            {
                float norm = (x[i] - m) * s;
                float dnorm = weight[i] * dout[i];
                dnormSum += dnorm;
                dnormNormSum += dnorm * norm;
            }
            float dnormMean = dnormSum / channels, dnormNormMean = dnormNormSum / channels;

            var dmv = new Vector<float>(dnormMean);
            var dnmv = new Vector<float>(dnormNormMean);
            i = 0;
            for (; i <= channels - w; i += w)
            {
                var norm = (new Vector<float>(x[i..]) - mv) * sv;
                var dnorm = new Vector<float>(weight[i..]) * new Vector<float>(dout[i..]);
                (new Vector<float>(dx[i..]) + (dnorm - dmv - norm * dnmv) * sv).CopyTo(dx[i..]);
            }
            for (; i < channels; i++)
            {
                float norm = (x[i] - m) * s;
                float dnorm = weight[i] * dout[i];
                dx[i] += (dnorm - dnormMean - norm * dnormNormMean) * s;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParameterGradientColumns(Span<float> weightGradient, Span<float> biasGradient, ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> input, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, int rows, int channels, int firstColumn, int endColumn)
    {
        int w = Vector<float>.Count;
        var dw = weightGradient[firstColumn..endColumn];
        var db = biasGradient[firstColumn..endColumn];
        int width = endColumn - firstColumn;
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * channels + firstColumn, width);
            var dout = outputGradient.Slice(r * channels + firstColumn, width);
            float m = mean[r], s = rstd[r];
            var mv = new Vector<float>(m);
            var sv = new Vector<float>(s);
            int i = 0;
            for (; i <= width - w; i += w)
            {
                var norm = (new Vector<float>(x[i..]) - mv) * sv;
                var d = new Vector<float>(dout[i..]);
                (new Vector<float>(db[i..]) + d).CopyTo(db[i..]);
                (new Vector<float>(dw[i..]) + norm * d).CopyTo(dw[i..]);
            }
            for (; i < width; i++)
            {
                float norm = (x[i] - m) * s;
                db[i] += dout[i];
                dw[i] += norm * dout[i];
            }
        }
    }

    /// <summary>Naive twin of <see cref="Forward"/> (double accumulation).</summary>
    public static void ForwardNaive(Span<float> output, Span<float> mean, Span<float> rstd, ReadOnlySpan<float> input,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int channels, float eps)
    {
        for (int r = 0; r < rows; r++)
        {
            double m = 0, v = 0;
            for (int c = 0; c < channels; c++) m += input[r * channels + c];
            m /= channels;
            for (int c = 0; c < channels; c++) { double d = input[r * channels + c] - m; v += d * d; }
            double s = 1 / Math.Sqrt(v / channels + eps);
            for (int c = 0; c < channels; c++)
                output[r * channels + c] = (float)((input[r * channels + c] - m) * s * weight[c] + bias[c]);
            mean[r] = (float)m;
            rstd[r] = (float)s;
        }
    }

    /// <summary>Naive twin of <see cref="Backward"/> (double accumulation).</summary>
    public static void BackwardNaive(Span<float> inputGradient, Span<float> weightGradient, Span<float> biasGradient,
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, int rows, int channels)
    {
        for (int r = 0; r < rows; r++)
        {
            double dnormMean = 0, dnormNormMean = 0;
            for (int c = 0; c < channels; c++)
            {
                double norm = ((double)input[r * channels + c] - mean[r]) * rstd[r];
                double dnorm = (double)weight[c] * outputGradient[r * channels + c];
                dnormMean += dnorm;
                dnormNormMean += dnorm * norm;
            }
            dnormMean /= channels;
            dnormNormMean /= channels;
            for (int c = 0; c < channels; c++)
            {
                double norm = ((double)input[r * channels + c] - mean[r]) * rstd[r];
                double dout = outputGradient[r * channels + c];
                double dnorm = weight[c] * dout;
                if (!biasGradient.IsEmpty) biasGradient[c] += (float)dout;
                if (!weightGradient.IsEmpty) weightGradient[c] += (float)(norm * dout);
                inputGradient[r * channels + c] += (float)((dnorm - dnormMean - norm * dnormNormMean) * rstd[r]);
            }
        }
    }

    private static void Check(int outputLength, int meanLength, int rstdLength, int inputLength, int weightLength, int biasLength, int rows, int channels)
    {
        int n = KernelArguments.Product(rows, channels, nameof(rows), nameof(channels));
        KernelArguments.AtLeast(outputLength, n, "output");
        KernelArguments.AtLeast(inputLength, n, "input");
        KernelArguments.AtLeast(meanLength, rows, "mean");
        KernelArguments.AtLeast(rstdLength, rows, "rstd");
        KernelArguments.AtLeast(weightLength, channels, "weight");
        KernelArguments.AtLeast(biasLength, channels, "bias");
    }
}
