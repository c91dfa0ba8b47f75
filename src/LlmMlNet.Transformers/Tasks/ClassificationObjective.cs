// The trainer's view of a sequence classifier: forward through the body and the family's classification
// head to the mean cross-entropy, backward into whichever set trains (model, or head + adapter mirror).
// Not the user-facing API (TextClassifier) and not the trainer.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Sequence classification as an <see cref="ITrainableModel{TBatch}"/>.</summary>
internal sealed class ClassificationObjective : ITrainableModel<ClassificationBatch>
{
    private readonly TaskModel _task;
    private readonly SequenceClassificationHead _head;

    public ClassificationObjective(TaskModel task)
    {
        _task = task;
        _head = new SequenceClassificationHead(task.Model);
    }

    public ParameterSet Parameters => _task.TrainableSet;

    public TaskModel Task => _task;

    /// <summary>Logits [B, K] of the batch (eval mode unless a context says otherwise).</summary>
    public ReadOnlySpan<float> Logits(ClassificationBatch batch)
        => _head.Forward(_task.ForwardBody(batch.Inputs));

    public BatchLoss Forward(ClassificationBatch batch, ForwardContext context)
    {
        _task.BeginForward(context);
        Logits(batch);
        float loss = _head.Loss(batch.Labels);
        long tokens = batch.Inputs.AttentionMask?.Sum() ?? batch.Inputs.TokenCount;
        return new BatchLoss(loss, tokens, batch.Labels.Length);
    }

    public void Backward(float lossScale) => _task.BackwardThroughHead(lossScale, _head);
}
