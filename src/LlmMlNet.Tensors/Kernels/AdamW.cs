// One AdamW update with torch.optim.AdamW (PyTorch 1.13, single-tensor path) semantics and
// operation order: decoupled weight decay, then moments, then the bias-corrected step.
// Not a schedule and not the parameter walk: ParameterSet calls it over its flat ranges.
using System.Numerics;
using System.Runtime.CompilerServices;
using LlmMlNet.Tensors.Diagnostics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>AdamW over flat spans of parameters, gradients and moments.</summary>
public static class AdamW
{
    /// <summary>
    /// For each i: p *= 1 - lr·wd; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
    /// p -= lr/(1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + eps).
    /// </summary>
    /// <param name="values">Parameters p, updated in place.</param>
    /// <param name="gradients">Gradients g.</param>
    /// <param name="firstMoments">m, updated in place.</param>
    /// <param name="secondMoments">v, updated in place.</param>
    /// <param name="learningRate">lr ≥ 0.</param>
    /// <param name="beta1">β1 in [0, 1).</param>
    /// <param name="beta2">β2 in [0, 1).</param>
    /// <param name="epsilon">eps ≥ 0.</param>
    /// <param name="weightDecay">wd ≥ 0 (PyTorch's default is 0.01).</param>
    /// <param name="step">t ≥ 1, the number of this step.</param>
    /// <exception cref="ArgumentException">Lengths differ or a hyper-parameter is out of range; thrown before any work.</exception>
    public static void Step(Span<float> values, ReadOnlySpan<float> gradients, Span<float> firstMoments, Span<float> secondMoments,
        float learningRate, float beta1, float beta2, float epsilon, float weightDecay, int step)
    {
        using var profile = KernelProfile.Time(KernelCategory.Optimizer);
        Check(values.Length, gradients.Length, firstMoments.Length, secondMoments.Length, learningRate, beta1, beta2, epsilon, weightDecay, step);
        ComputePool.For(KernelParallel.Chunks(values.Length, KernelParallel.Elements), new StepBody
        {
            Values = values, Gradients = gradients, FirstMoments = firstMoments, SecondMoments = secondMoments,
            LearningRate = learningRate, Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon, WeightDecay = weightDecay, Step = step,
        });
    }

    private ref struct StepBody : IComputeBody
    {
        public Span<float> Values, FirstMoments, SecondMoments;
        public ReadOnlySpan<float> Gradients;
        public float LearningRate, Beta1, Beta2, Epsilon, WeightDecay;
        public int Step;

        public readonly void Execute(int index)
        {
            var (start, length) = KernelParallel.Range(index, KernelParallel.Elements, Values.Length);
            StepRange(Values.Slice(start, length), Gradients.Slice(start, length), FirstMoments.Slice(start, length), SecondMoments.Slice(start, length),
                LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Step);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepRange(Span<float> values, ReadOnlySpan<float> gradients, Span<float> firstMoments, Span<float> secondMoments,
        float learningRate, float beta1, float beta2, float epsilon, float weightDecay, int step)
    {
        // Scalars are formed in double as Python does, then used in float like PyTorch's CPU kernels.
        float decay = (float)(1.0 - (double)learningRate * weightDecay);
        float oneMinusB1 = (float)(1.0 - beta1), oneMinusB2 = (float)(1.0 - beta2);
        double bc1 = 1.0 - Math.Pow(beta1, step), bc2 = 1.0 - Math.Pow(beta2, step);
        float negStepSize = (float)(-(learningRate / bc1));
        float bc2Sqrt = (float)Math.Sqrt(bc2);
        int i = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var decayV = new Vector<float>(decay);
            var b1V = new Vector<float>(beta1); var b2V = new Vector<float>(beta2);
            var ob1V = new Vector<float>(oneMinusB1); var ob2V = new Vector<float>(oneMinusB2);
            var bc2V = new Vector<float>(bc2Sqrt); var epsV = new Vector<float>(epsilon); var stepV = new Vector<float>(negStepSize);
            for (; i <= values.Length - w; i += w)
            {
                var g = new Vector<float>(gradients[i..]);
                var p = new Vector<float>(values[i..]) * decayV;
                var m = new Vector<float>(firstMoments[i..]) * b1V + g * ob1V;
                var v = new Vector<float>(secondMoments[i..]) * b2V + g * g * ob2V;
                p += stepV * m / (Vector.SquareRoot(v) / bc2V + epsV);
                p.CopyTo(values[i..]);
                m.CopyTo(firstMoments[i..]);
                v.CopyTo(secondMoments[i..]);
            }
        }
        for (; i < values.Length; i++)
        {
            float g = gradients[i];
            float m = firstMoments[i] * beta1 + g * oneMinusB1;
            float v = secondMoments[i] * beta2 + g * g * oneMinusB2;
            values[i] = values[i] * decay + negStepSize * m / (MathF.Sqrt(v) / bc2Sqrt + epsilon);
            firstMoments[i] = m;
            secondMoments[i] = v;
        }
    }

    /// <summary>Naive twin of <see cref="Step"/>, the textbook formula in double.</summary>
    public static void StepNaive(Span<float> values, ReadOnlySpan<float> gradients, Span<float> firstMoments, Span<float> secondMoments,
        float learningRate, float beta1, float beta2, float epsilon, float weightDecay, int step)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double p = values[i] * (1.0 - (double)learningRate * weightDecay);
            double g = gradients[i];
            double m = beta1 * (double)firstMoments[i] + (1.0 - beta1) * g;
            double v = beta2 * (double)secondMoments[i] + (1.0 - beta2) * g * g;
            double mHat = m / (1.0 - Math.Pow(beta1, step)), vHat = v / (1.0 - Math.Pow(beta2, step));
            values[i] = (float)(p - learningRate * mHat / (Math.Sqrt(vHat) + epsilon));
            firstMoments[i] = (float)m;
            secondMoments[i] = (float)v;
        }
    }

    private static void Check(int p, int g, int m, int v, float lr, float beta1, float beta2, float eps, float wd, int step)
    {
        KernelArguments.SameLength(g, p, "gradients", "values");
        KernelArguments.SameLength(m, p, "firstMoments", "values");
        KernelArguments.SameLength(v, p, "secondMoments", "values");
        if (!(lr >= 0f)) throw new ArgumentException($"learningRate must be >= 0, got {lr}.", "learningRate");
        if (!(beta1 >= 0f && beta1 < 1f)) throw new ArgumentException($"beta1 must be in [0, 1), got {beta1}.", nameof(beta1));
        if (!(beta2 >= 0f && beta2 < 1f)) throw new ArgumentException($"beta2 must be in [0, 1), got {beta2}.", nameof(beta2));
        if (!(eps >= 0f)) throw new ArgumentException($"epsilon must be >= 0, got {eps}.", "epsilon");
        if (!(wd >= 0f)) throw new ArgumentException($"weightDecay must be >= 0, got {wd}.", "weightDecay");
        if (step < 1) throw new ArgumentException($"step must be >= 1, got {step}.", nameof(step));
    }
}
