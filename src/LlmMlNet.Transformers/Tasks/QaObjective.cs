// The trainer's view of an extractive-QA model: QaFeature windows collated into batches, forward through the
// body and the span head to (CE(start) + CE(end)) / 2, backward into whichever set trains. Not the decoding
// (QaPostprocessor) and not the user-facing API (QuestionAnswering).
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>A batch of QA windows.</summary>
/// <param name="Inputs">Ids, mask and token types [B, T].</param>
/// <param name="Labels">B start positions then B end positions.</param>
public sealed record QaBatch(ModelBatch Inputs, int[] Labels);

/// <summary>Stacks QA windows (already padded to the max length) into batches.</summary>
public sealed class QaCollator : IBatchCollator<QaFeature, QaBatch>
{
    /// <summary>Stacks <paramref name="features"/>; they must share one length.</summary>
    /// <exception cref="ArgumentException">Windows of different lengths.</exception>
    public QaBatch Collate(IReadOnlyList<QaFeature> features, BatchContext context)
    {
        ArgumentNullException.ThrowIfNull(features);
        int b = features.Count, t = features[0].Length;
        var ids = new int[b * t];
        var types = new int[b * t];
        var mask = new int[b * t];
        var labels = new int[2 * b];
        for (int i = 0; i < b; i++)
        {
            var f = features[i];
            if (f.Length != t) throw new ArgumentException($"QA windows must share one length; got {t} and {f.Length} (example '{f.ExampleId}').", nameof(features));
            f.InputIds.CopyTo(ids, i * t);
            f.TypeIds.CopyTo(types, i * t);
            f.AttentionMask.CopyTo(mask, i * t);
            labels[i] = f.StartPosition;
            labels[b + i] = f.EndPosition;
        }
        return new QaBatch(new ModelBatch(b, t, ids, mask, types), labels);
    }
}

/// <summary>Extractive QA as an <see cref="ITrainableModel{TBatch}"/>.</summary>
internal sealed class QaObjective : ITrainableModel<QaBatch>
{
    private readonly TaskModel _task;
    private readonly QuestionAnsweringHead _head;

    public QaObjective(TaskModel task)
    {
        _task = task;
        _head = new QuestionAnsweringHead(task.Model);
    }

    public ParameterSet Parameters => _task.TrainableSet;

    public TaskModel Task => _task;

    /// <summary>Start and end logits [B, T] of a batch (in the current mode).</summary>
    public (float[] Start, float[] End) Logits(QaBatch batch)
    {
        _head.Forward(_task.ForwardBody(batch.Inputs));
        return (_head.StartLogits.ToArray(), _head.EndLogits.ToArray());
    }

    public BatchLoss Forward(QaBatch batch, ForwardContext context)
    {
        _task.BeginForward(context);
        _head.Forward(_task.ForwardBody(batch.Inputs));
        float loss = _head.Loss(batch.Labels);
        long tokens = batch.Inputs.AttentionMask?.Sum() ?? batch.Inputs.TokenCount;
        return new BatchLoss(loss, tokens, batch.Inputs.Batch);
    }

    public void Backward(float lossScale) => _task.BackwardThroughHead(lossScale, _head);
}
