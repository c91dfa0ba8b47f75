// Adapts the models branch's TransformerModel to ISequenceEncoder: LanguageModelBatch → ModelBatch
// (token types zero, positions by family), the trainer's context → the model's TrainingState (mode,
// seed, and the micro-batch counter that keys dropout). Not a model: it owns no weights.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Training;

/// <summary>A <see cref="TransformerModel"/> seen as an <see cref="ISequenceEncoder"/>.</summary>
public sealed class TransformerSequenceEncoder : ISequenceEncoder
{
    /// <summary>Wraps <paramref name="model"/>.</summary>
    public TransformerSequenceEncoder(TransformerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    /// <summary>The wrapped body.</summary>
    public TransformerModel Model { get; }

    /// <inheritdoc />
    public ParameterSet Parameters => Model.Parameters.Set;

    /// <inheritdoc />
    public int HiddenSize => Model.Config.HiddenSize;

    /// <summary>Runs the body; dropout is keyed by (context seed, micro-batch) when training.</summary>
    /// <exception cref="ArgumentException">The batch exceeds the model's sizing or holds an id outside the vocabulary.</exception>
    public ReadOnlySpan<float> Forward(LanguageModelBatch batch, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Model.IsTraining = context.IsTraining;
        Model.State.Seed = context.Seed;
        Model.State.Step = context.MicroBatch;
        return Model.Forward(new ModelBatch(batch.Batch, batch.SequenceLength, batch.InputIds, batch.AttentionMask));
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<float> hiddenGradient) => Model.Backward(hiddenGradient);
}
