// The contract every task head follows: Forward from the body's last hidden state to logits, a loss
// against labels, and Backward from that loss into dL/d(last hidden state). Heads reserve their
// buffers in the model's arena at construction. Not the body (TransformerModel) and not a trainer.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Heads;

/// <summary>A task head over a <see cref="TransformerModel"/>.</summary>
public abstract class TransformerHead
{
    /// <summary>Binds the head to <paramref name="model"/>.</summary>
    /// <exception cref="InvalidOperationException">The model's arena is already committed (heads must be built before the first Forward).</exception>
    protected TransformerHead(TransformerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Arena.IsCommitted)
            throw new InvalidOperationException("build heads before the model's first Forward (its arena is already committed)");
        Model = model;
    }

    /// <summary>The body this head reads.</summary>
    public TransformerModel Model { get; }

    /// <summary>The parameter group the head's weights belong to (what a checkpoint must hold for it).</summary>
    public abstract KeyGroup Group { get; }

    /// <summary>Runs the head on the body's last Forward; returns its logits (valid until the next Forward).</summary>
    public abstract ReadOnlySpan<float> Forward(ReadOnlySpan<float> hidden);

    /// <summary>The loss of the last Forward against <paramref name="labels"/> (layout per head); caches what Backward needs.</summary>
    public abstract float Loss(ReadOnlySpan<int> labels);

    /// <summary>Differentiates the last Loss: accumulates the head's parameter gradients and adds dL/dhidden into <paramref name="hiddenGradient"/>.</summary>
    public abstract void Backward(ReadOnlySpan<float> hidden, Span<float> hiddenGradient);

    /// <summary>Throws when the model's parameters lack this head's group.</summary>
    protected void RequireGroup(KeyGroup group)
    {
        if (!Model.Parameters.Groups.Contains(group))
            throw new InvalidOperationException($"the model's parameters have no {group} weights; create them with that group");
    }
}
