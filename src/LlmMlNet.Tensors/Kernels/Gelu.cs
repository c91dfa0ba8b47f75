// GELU in PyTorch's two forms: exact x·Φ(x) with Φ from erf (HF "gelu") and the tanh
// approximation (HF "gelu_new" / "gelu_pytorch_tanh"), forward and backward, vectorised with
// Vector<float>; a forward that also stores gelu'(x) (sharing the exp), so a training step's backward
// is one multiply instead of a second erf. The naive twins evaluate the same formulas in double.
using System.Numerics;
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Which GELU formula to use (PyTorch's <c>approximate</c> argument).</summary>
public enum GeluApproximation
{
    /// <summary>Exact: x · 0.5 · (1 + erf(x / √2)).</summary>
    None,

    /// <summary>0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 x³))).</summary>
    Tanh,
}

/// <summary>Gaussian error linear unit, forward and backward.</summary>
public static class Gelu
{
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;
    private const float TanhScale = 0.79788456080286536f; // √(2/π)
    private const float TanhCubic = 0.044715f;

    // Abramowitz & Stegun 7.1.26: erfc(a) ≈ P(t)·exp(-a²), t = 1/(1 + p·a), |error| ≤ 1.5e-7.
    private const float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;

    /// <summary>output[i] = gelu(input[i]). output may alias input.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input, GeluApproximation form)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        KernelArguments.SameLength(output.Length, input.Length, nameof(output), nameof(input));
        ComputePool.For(KernelParallel.Chunks(input.Length, KernelParallel.Elements), new ForwardBody { Output = output, Input = input, Form = form });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardRange(Span<float> output, ReadOnlySpan<float> input, GeluApproximation form)
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            if (form == GeluApproximation.None)
                for (; i <= input.Length - w; i += w)
                {
                    var x = new Vector<float>(input[i..]);
                    (x * CdfErf(x, out _)).CopyTo(output[i..]);
                }
            else
                for (; i <= input.Length - w; i += w)
                {
                    var x = new Vector<float>(input[i..]);
                    (x * HalfOnePlusTanh(x, out _)).CopyTo(output[i..]);
                }
        }
        for (; i < input.Length; i++)
        {
            var x = new Vector<float>(input[i]);
            output[i] = (form == GeluApproximation.None ? x * CdfErf(x, out _) : x * HalfOnePlusTanh(x, out _))[0];
        }
    }

    /// <summary>
    /// output[i] = gelu(input[i]) and derivative[i] = gelu'(input[i]), both as <see cref="Forward"/> and
    /// <see cref="Backward"/> compute them (bit-identical). output may alias input; derivative may not.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void ForwardWithDerivative(Span<float> output, Span<float> derivative, ReadOnlySpan<float> input, GeluApproximation form)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        KernelArguments.SameLength(output.Length, input.Length, nameof(output), nameof(input));
        KernelArguments.SameLength(derivative.Length, input.Length, nameof(derivative), nameof(input));
        ComputePool.For(KernelParallel.Chunks(input.Length, KernelParallel.Elements),
            new ForwardDerivativeBody { Output = output, Derivative = derivative, Input = input, Form = form });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardDerivativeRange(Span<float> output, Span<float> derivative, ReadOnlySpan<float> input, GeluApproximation form)
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= input.Length - w; i += w)
            {
                var x = new Vector<float>(input[i..]);
                var y = ValueAndDerivative(x, form, out var d);
                y.CopyTo(output[i..]);
                d.CopyTo(derivative[i..]);
            }
        }
        for (; i < input.Length; i++)
        {
            var y = ValueAndDerivative(new Vector<float>(input[i]), form, out var d);
            output[i] = y[0];
            derivative[i] = d[0];
        }
    }

    // gelu(x) and gelu'(x) from one evaluation of Φ (or of the tanh), with the same expressions as Forward and Derivative.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ValueAndDerivative(Vector<float> x, GeluApproximation form, out Vector<float> derivative)
    {
        if (form == GeluApproximation.None)
        {
            var cdf = CdfErf(x, out var expHalfSq);
            derivative = cdf + x * expHalfSq * new Vector<float>(InvSqrt2Pi);
            return x * cdf;
        }
        var h = HalfOnePlusTanh(x, out var th);
        var du = new Vector<float>(TanhScale) * (Vector<float>.One + new Vector<float>(3f * TanhCubic) * x * x);
        derivative = h + new Vector<float>(0.5f) * x * (Vector<float>.One - th * th) * du;
        return x * h;
    }

    private ref struct ForwardDerivativeBody : IComputeBody
    {
        public Span<float> Output, Derivative;
        public ReadOnlySpan<float> Input;
        public GeluApproximation Form;

        public readonly void Execute(int index)
        {
            var (start, length) = KernelParallel.Range(index, KernelParallel.Elements, Input.Length);
            ForwardDerivativeRange(Output.Slice(start, length), Derivative.Slice(start, length), Input.Slice(start, length), Form);
        }
    }

    /// <summary>Differentiates output = gelu(x): inputGradient[i] += gelu'(input[i]) · outputGradient[i].</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Backward(Span<float> inputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, GeluApproximation form)
    {
        using var profile = KernelProfile.Time(KernelCategory.Activation);
        KernelArguments.SameLength(input.Length, inputGradient.Length, nameof(input), nameof(inputGradient));
        KernelArguments.SameLength(outputGradient.Length, inputGradient.Length, nameof(outputGradient), nameof(inputGradient));
        ComputePool.For(KernelParallel.Chunks(input.Length, KernelParallel.Elements),
            new BackwardBody { InputGradient = inputGradient, Input = input, OutputGradient = outputGradient, Form = form });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRange(Span<float> inputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, GeluApproximation form)
    {
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= input.Length - w; i += w)
            {
                var d = Derivative(new Vector<float>(input[i..]), form);
                (new Vector<float>(inputGradient[i..]) + d * new Vector<float>(outputGradient[i..])).CopyTo(inputGradient[i..]);
            }
        }
        for (; i < input.Length; i++)
            inputGradient[i] += Derivative(new Vector<float>(input[i]), form)[0] * outputGradient[i];
    }

    private ref struct ForwardBody : IComputeBody
    {
        public Span<float> Output;
        public ReadOnlySpan<float> Input;
        public GeluApproximation Form;

        public readonly void Execute(int index)
        {
            var (start, length) = KernelParallel.Range(index, KernelParallel.Elements, Input.Length);
            ForwardRange(Output.Slice(start, length), Input.Slice(start, length), Form);
        }
    }

    private ref struct BackwardBody : IComputeBody
    {
        public Span<float> InputGradient;
        public ReadOnlySpan<float> Input, OutputGradient;
        public GeluApproximation Form;

        public readonly void Execute(int index)
        {
            var (start, length) = KernelParallel.Range(index, KernelParallel.Elements, Input.Length);
            BackwardRange(InputGradient.Slice(start, length), Input.Slice(start, length), OutputGradient.Slice(start, length), Form);
        }
    }

    private static Vector<float> Derivative(Vector<float> x, GeluApproximation form)
    {
        if (form == GeluApproximation.None)
        {
            // d/dx x·Φ(x) = Φ(x) + x·φ(x), and φ(x) = exp(-x²/2)/√(2π) is the exp CdfErf computed.
            var cdf = CdfErf(x, out var expHalfSq);
            return cdf + x * expHalfSq * new Vector<float>(InvSqrt2Pi);
        }
        var h = HalfOnePlusTanh(x, out var th);
        var du = new Vector<float>(TanhScale) * (Vector<float>.One + new Vector<float>(3f * TanhCubic) * x * x);
        return h + new Vector<float>(0.5f) * x * (Vector<float>.One - th * th) * du;
    }

    // Φ(x) = 0.5·(1 + erf(x/√2)); computed as 0.5·erfc(|z|) on the negative side so small tails keep relative accuracy.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> CdfErf(Vector<float> x, out Vector<float> expHalfSq)
    {
        var a = Vector.Abs(x) * new Vector<float>(InvSqrt2);
        var t = Vector<float>.One / (Vector<float>.One + new Vector<float>(P) * a);
        var poly = t * (new Vector<float>(A1) + t * (new Vector<float>(A2) + t * (new Vector<float>(A3) + t * (new Vector<float>(A4) + t * new Vector<float>(A5)))));
        expHalfSq = FastExp.Exp(-(a * a));
        var q = new Vector<float>(0.5f) * poly * expHalfSq;
        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), Vector<float>.One - q, q);
    }

    // 0.5·(1 + tanh(u)), u = √(2/π)(x + 0.044715x³); tanh(u) = 1 - 2/(exp(2u) + 1) saturates cleanly at ±1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> HalfOnePlusTanh(Vector<float> x, out Vector<float> th)
    {
        var u = new Vector<float>(TanhScale) * (x + new Vector<float>(TanhCubic) * x * x * x);
        th = Vector<float>.One - new Vector<float>(2f) / (FastExp.Exp(u + u) + Vector<float>.One);
        return new Vector<float>(0.5f) * (Vector<float>.One + th);
    }

    /// <summary>Naive twin of <see cref="Forward"/> (double precision).</summary>
    public static void ForwardNaive(Span<float> output, ReadOnlySpan<float> input, GeluApproximation form)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (float)ValueDouble(input[i], form);
    }

    /// <summary>Naive twin of <see cref="Backward"/> (double precision).</summary>
    public static void BackwardNaive(Span<float> inputGradient, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, GeluApproximation form)
    {
        for (int i = 0; i < input.Length; i++)
            inputGradient[i] += (float)(DerivativeDouble(input[i], form) * outputGradient[i]);
    }

    /// <summary>gelu(x) in double.</summary>
    public static double ValueDouble(double x, GeluApproximation form)
        => form == GeluApproximation.None
            ? x * 0.5 * (1 + Erf.Double(x / Math.Sqrt(2)))
            : 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    /// <summary>gelu'(x) in double.</summary>
    public static double DerivativeDouble(double x, GeluApproximation form)
    {
        if (form == GeluApproximation.None)
            return 0.5 * (1 + Erf.Double(x / Math.Sqrt(2))) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
        double k = Math.Sqrt(2 / Math.PI), th = Math.Tanh(k * (x + 0.044715 * x * x * x));
        return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * k * (1 + 3 * 0.044715 * x * x);
    }
}
