// A task model (full or LoRA) seen as the ISequenceEncoder the objectives drive: each forward pushes the
// trainer's values into the model (LoRA's mirror) and sets the mode and dropout keys; each backward gathers the
// adapter's gradients back into the trainer's set. Not a head: GPT-2's LM head is the tied word embedding.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks.Generative;

/// <summary>A <see cref="TaskModel"/> as an encoder for language-model objectives.</summary>
internal sealed class CausalLmBody(TaskModel task) : ISequenceEncoder
{
    public TaskModel Task { get; } = task;

    public ParameterSet Parameters => Task.TrainableSet;

    public int HiddenSize => Task.Model.Config.HiddenSize;

    public ReadOnlySpan<float> Forward(LanguageModelBatch batch, ForwardContext context)
    {
        Task.BeginForward(context);
        return Task.Model.Forward(new ModelBatch(batch.Batch, batch.SequenceLength, batch.InputIds, batch.AttentionMask));
    }

    // The objectives scale dL/dlogits themselves, so the gradients arrive scaled: gather them as they are.
    public void Backward(ReadOnlySpan<float> hiddenGradient) => Task.BackwardBody(hiddenGradient);
}
