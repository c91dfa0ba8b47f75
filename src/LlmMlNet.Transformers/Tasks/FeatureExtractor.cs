// Feature extraction: the frozen body run in eval mode (dropout off) with a pooling (CLS, mean over the
// attention mask, or BERT's pooler; optionally L2-normalised), producing one embedding per input. Callers
// embed a dataset once and train a small head on the result, never re-running the body per epoch.
// Not the head (SoftmaxRegression).
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Pooled embeddings from a frozen body.</summary>
internal sealed class FeatureExtractor
{
    private readonly FeaturePooling _pooling;

    public FeatureExtractor(TaskModel task, PoolingMode mode, bool normalize)
    {
        Task = task;
        _pooling = new FeaturePooling(task.Model, mode, normalize);
    }

    public TaskModel Task { get; }

    /// <summary>Embeddings [B, C] of one batch, in eval mode.</summary>
    public float[] Pool(ModelBatch batch)
    {
        Task.BeginInference();
        return _pooling.Forward(Task.Model.Forward(batch)).ToArray();
    }

    /// <summary>Embeds every input once, in batches; returns embeddings [N, C] and the labels [N].</summary>
    /// <exception cref="ArgumentException">No inputs, or an unlabeled input (labels are needed to train the head).</exception>
    public (float[] Embeddings, int[] Labels) Embed(IEnumerable<ClassificationInput> inputs, IBatchCollator<ClassificationInput, ClassificationBatch> collator,
        int batchSize, CancellationToken cancellationToken)
    {
        var embeddings = new List<float>();
        var labels = new List<int>();
        foreach (var chunk in inputs.Chunk(batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = collator.Collate(chunk, default);
            if (Array.IndexOf(batch.Labels, -1) is var missing and >= 0)
                throw new ArgumentException($"Training example {labels.Count + missing} has no label.", nameof(inputs));
            embeddings.AddRange(Pool(batch.Inputs));
            labels.AddRange(batch.Labels);
        }
        if (labels.Count == 0) throw new ArgumentException("No training examples.", nameof(inputs));
        return (embeddings.ToArray(), labels.ToArray());
    }
}
