// The flat buffers for one ParameterLayout: values, gradients, AdamW first and second moments. Gradients
// and moments are allocated on first use, so a model that only predicts holds its values and nothing more.
// Zeroing gradients is one Clear and the optimizer one pass over two ranges (decayed, not decayed).
// Not an optimizer with schedules or state beyond the moments: callers supply lr and the step.
using LlmMlNet.Tensors.Kernels;

namespace LlmMlNet.Tensors.Memory;

/// <summary>Parameters, gradients and AdamW moments of a model, each one flat float array.</summary>
public sealed class ParameterSet
{
    private float[]? _gradients, _firstMoments, _secondMoments;

    /// <summary>
    /// Allocates the zeroed values of <paramref name="layout"/>; gradients and moments are allocated (zeroed) on first
    /// access, so inference never pays for them.
    /// </summary>
    public ParameterSet(ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Layout = layout;
        Values = new float[layout.TotalLength];
    }

    /// <summary>True once gradients or moments have been allocated (a backward pass or an optimizer step ran).</summary>
    public bool HasTrainingBuffers => _gradients != null || _firstMoments != null || _secondMoments != null;

    /// <summary>The size table.</summary>
    public ParameterLayout Layout { get; }

    /// <summary>All parameter values (trainable prefix, then frozen).</summary>
    public float[] Values { get; }

    /// <summary>Gradients of the trainable prefix (same offsets as <see cref="Values"/>).</summary>
    public float[] Gradients => Lazy(ref _gradients);

    /// <summary>AdamW first moments (m) of the trainable prefix.</summary>
    public float[] FirstMoments => Lazy(ref _firstMoments);

    /// <summary>AdamW second moments (v) of the trainable prefix.</summary>
    public float[] SecondMoments => Lazy(ref _secondMoments);

    // Backward passes touch gradients from several threads: the compare-exchange hands every thread the same array,
    // and once allocated the read is a plain field load (no closure, so a training step still allocates nothing).
    private float[] Lazy(ref float[]? buffer) => Volatile.Read(ref buffer) ?? Allocate(ref buffer);

    private float[] Allocate(ref float[]? buffer)
    {
        Interlocked.CompareExchange(ref buffer, new float[Layout.TrainableLength], null);
        return buffer!;
    }

    /// <summary>The named tensor's handle.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public ParameterHandle Handle(string name) => Layout[name];

    /// <summary>The named tensor's values.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public Span<float> View(string name) => Value(Layout[name]);

    /// <summary>A tensor's values.</summary>
    public Span<float> Value(ParameterHandle handle) => Values.AsSpan(handle.Offset, handle.Length);

    /// <summary>A trainable tensor's gradient.</summary>
    /// <exception cref="InvalidOperationException">The tensor is frozen and has no gradient.</exception>
    public Span<float> Gradient(ParameterHandle handle)
        => handle.Trainable
            ? Gradients.AsSpan(handle.Offset, handle.Length)
            : throw new InvalidOperationException($"Parameter '{handle.Name}' is frozen and has no gradient.");

    /// <summary>Sets every gradient to zero (one Clear).</summary>
    public void ZeroGradients()
    {
        if (_gradients != null) Array.Clear(_gradients);
    }

    /// <summary>
    /// Scales gradients so their global L2 norm is at most <paramref name="maxNorm"/>
    /// (<c>torch.nn.utils.clip_grad_norm_</c>) and returns the norm before clipping.
    /// </summary>
    public double ClipGradients(double maxNorm) => GradientClipping.ClipByGlobalNorm(Gradients, maxNorm);

    /// <summary>
    /// One <c>torch.optim.AdamW</c> step over all trainable parameters: weight decay on the decayed
    /// range only. <paramref name="step"/> is the 1-based step count used for bias correction.
    /// </summary>
    /// <exception cref="ArgumentException">A hyper-parameter is out of range (see <see cref="AdamW.Step"/>).</exception>
    public void AdamWStep(float learningRate, float beta1, float beta2, float epsilon, float weightDecay, int step)
    {
        int d = Layout.DecayedLength, t = Layout.TrainableLength;
        AdamW.Step(Values.AsSpan(0, d), Gradients.AsSpan(0, d), FirstMoments.AsSpan(0, d), SecondMoments.AsSpan(0, d),
            learningRate, beta1, beta2, epsilon, weightDecay, step);
        AdamW.Step(Values.AsSpan(d, t - d), Gradients.AsSpan(d, t - d), FirstMoments.AsSpan(d, t - d), SecondMoments.AsSpan(d, t - d),
            learningRate, beta1, beta2, epsilon, 0f, step);
    }

    /// <summary>Copies values of tensors present in both sets with equal shapes, by name; returns how many.</summary>
    public int CopyValuesFrom(ParameterSet source)
    {
        ArgumentNullException.ThrowIfNull(source);
        int copied = 0;
        foreach (var h in Layout.Tensors)
        {
            if (!source.Layout.Contains(h.Name)) continue;
            var s = source.Layout[h.Name];
            if (!s.Shape.SequenceEqual(h.Shape)) continue;
            source.Value(s).CopyTo(Value(h));
            copied++;
        }
        return copied;
    }
}
