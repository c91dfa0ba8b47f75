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
    private readonly float[] _hidden, _hiddenGradient;

    public ClassificationObjective(TaskModel task)
    {
        _task = task;
        _head = new SequenceClassificationHead(task.Model);
        int n = task.Model.MaxBatch * task.Model.MaxSequence * task.Model.Config.HiddenSize;
        _hidden = new float[n];
        _hiddenGradient = new float[n];
    }

    public ParameterSet Parameters => _task.TrainableSet;

    public TaskModel Task => _task;

    /// <summary>Logits [B, K] of the batch (eval mode unless a context says otherwise).</summary>
    public ReadOnlySpan<float> Logits(ClassificationBatch batch)
    {
        var hidden = _task.Model.Forward(batch.Inputs);
        hidden.CopyTo(_hidden);
        return _head.Forward(hidden);
    }

    public BatchLoss Forward(ClassificationBatch batch, ForwardContext context)
    {
        _task.BeginForward(context);
        Logits(batch);
        float loss = _head.Loss(batch.Labels);
        long tokens = batch.Inputs.AttentionMask?.Sum() ?? batch.Inputs.TokenCount;
        return new BatchLoss(loss, tokens, batch.Labels.Length);
    }

    public void Backward(float lossScale) => _task.Backward(lossScale, () =>
    {
        var inputs = _task.Model.Batch;
        int n = inputs.TokenCount * _task.Model.Config.HiddenSize;
        var gradient = _hiddenGradient.AsSpan(0, n);
        gradient.Clear();
        _head.Backward(_hidden.AsSpan(0, n), gradient);
        _task.Model.Backward(gradient);
    });
}
