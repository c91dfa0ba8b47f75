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
    /// <param name="inputs">The inputs; a collection's count sizes the progress reports.</param>
    /// <param name="collator">Pads batches.</param>
    /// <param name="batchSize">Inputs per forward.</param>
    /// <param name="progress">Receives a snapshot after each batch (Step = batches done, Loss NaN), or null.</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    public (float[] Embeddings, int[] Labels) Embed(IEnumerable<ClassificationInput> inputs, IBatchCollator<ClassificationInput, ClassificationBatch> collator,
        int batchSize, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var embeddings = new List<float>();
        var labels = new List<int>();
        int total = inputs is IReadOnlyCollection<ClassificationInput> known ? (known.Count + batchSize - 1) / batchSize : 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long tokens = 0;
        int step = 0;
        foreach (var chunk in inputs.Chunk(batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = collator.Collate(chunk, default);
            if (Array.IndexOf(batch.Labels, -1) is var missing and >= 0)
                throw new ArgumentException($"Training example {labels.Count + missing} has no label.", nameof(inputs));
            embeddings.AddRange(Pool(batch.Inputs));
            labels.AddRange(batch.Labels);
            tokens += chunk.Sum(c => (long)c.InputIds.Length);
            step++;
            if (progress is null) continue;
            var elapsed = clock.Elapsed;
            progress.Report(new TrainingProgress
            {
                Step = step,
                TotalSteps = Math.Max(total, step),
                Epoch = 0,
                Loss = double.NaN,
                LearningRate = 0,
                GradientNorm = double.NaN,
                TokensPerSecond = elapsed.TotalSeconds > 0 ? tokens / elapsed.TotalSeconds : 0,
                EstimatedRemaining = TimeSpan.FromSeconds(elapsed.TotalSeconds / step * Math.Max(0, total - step)),
                Elapsed = elapsed,
            });
        }
        if (labels.Count == 0) throw new ArgumentException("No training examples.", nameof(inputs));
        return (embeddings.ToArray(), labels.ToArray());
    }
}
