// A body with one task head, the unit a training step works on: Forward (body then head), Loss,
// Backward (head into the hidden-state gradient, then the body), all over the model's arena.
// Not a training loop: no optimizer, schedule or data loading here.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Heads;

namespace LlmMlNet.Transformers.Models;

/// <summary>A <see cref="TransformerModel"/> with one <see cref="TransformerHead"/>.</summary>
public sealed class TransformerTask
{
    private readonly ArenaBuffer _hiddenGradient;

    /// <summary>Builds the task; <paramref name="createHead"/> constructs the head on the model (before its arena is committed).</summary>
    /// <param name="model">The body.</param>
    /// <param name="createHead">E.g. <c>m =&gt; new MaskedLmHead(m)</c>.</param>
    public TransformerTask(TransformerModel model, Func<TransformerModel, TransformerHead> createHead)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(createHead);
        Model = model;
        Head = createHead(model);
        _hiddenGradient = model.Arena.Reserve(checked(model.MaxBatch * model.MaxSequence * model.Config.HiddenSize));
        model.Commit();
    }

    /// <summary>The body.</summary>
    public TransformerModel Model { get; }

    /// <summary>The head.</summary>
    public TransformerHead Head { get; }

    /// <summary>Runs body and head; returns the head's logits (valid until the next Forward).</summary>
    public ReadOnlySpan<float> Forward(ModelBatch batch) => Head.Forward(Model.Forward(batch));

    /// <summary>Forward, then the head's loss against <paramref name="labels"/>.</summary>
    public float ForwardLoss(ModelBatch batch, ReadOnlySpan<int> labels)
    {
        Forward(batch);
        return Head.Loss(labels);
    }

    /// <summary>Differentiates the last loss through head and body, accumulating every trainable parameter's gradient.</summary>
    public void Backward()
    {
        var n = Model.Batch.TokenCount * Model.Config.HiddenSize;
        var hidden = Model.LastHiddenState;
        var gradient = _hiddenGradient.Slice(n);
        gradient.Clear();
        Head.Backward(hidden, gradient);
        Model.Backward(gradient);
    }
}
