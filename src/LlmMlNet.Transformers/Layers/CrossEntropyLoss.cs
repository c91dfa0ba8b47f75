// Mean cross-entropy over rows of logits with an ignore index, as a Forward/Backward pair whose
// per-row log-sum-exp cache lives in the arena. Not the vocabulary projection (a Linear) and
// not label smoothing.
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Layers;

/// <summary>Softmax cross-entropy loss (PyTorch <c>F.cross_entropy</c>, mean, <c>ignore_index</c>).</summary>
public sealed class CrossEntropyLoss
{
    private readonly ArenaBuffer _logSumExp;

    /// <summary>Reserves the per-row cache for up to <paramref name="maxRows"/> rows.</summary>
    /// <param name="vocabulary">Number of classes (logits per row).</param>
    /// <param name="arena">Activation arena.</param>
    /// <param name="maxRows">Largest number of rows.</param>
    /// <param name="ignoreIndex">Targets equal to this are skipped (default -100).</param>
    /// <exception cref="ArgumentException">vocabulary is not positive.</exception>
    public CrossEntropyLoss(int vocabulary, ActivationArena arena, int maxRows, int ignoreIndex = CrossEntropy.DefaultIgnoreIndex)
    {
        ArgumentNullException.ThrowIfNull(arena);
        if (vocabulary <= 0) throw new ArgumentException($"vocabulary must be positive, got {vocabulary}.", nameof(vocabulary));
        Vocabulary = vocabulary;
        IgnoreIndex = ignoreIndex;
        _logSumExp = arena.Reserve(maxRows);
    }

    /// <summary>Classes per row.</summary>
    public int Vocabulary { get; }

    /// <summary>The ignored target value.</summary>
    public int IgnoreIndex { get; }

    /// <summary>logits [rows, V], targets [rows] → mean loss over non-ignored rows (0 when all are ignored).</summary>
    /// <exception cref="ArgumentException">A target out of range (naming the row) or a short buffer.</exception>
    public float Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int rows)
        => CrossEntropy.Forward(_logSumExp.Slice(rows), logits, targets, rows, Vocabulary, IgnoreIndex);

    /// <summary>Differentiates the mean loss: logitsGradient += lossGradient·(softmax - onehot)/count on non-ignored rows.</summary>
    /// <exception cref="ArgumentException">A bad target or a short buffer.</exception>
    public void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> logitsGradient, int rows, float lossGradient = 1f)
        => CrossEntropy.Backward(logitsGradient, logits, _logSumExp.Slice(rows), targets, rows, Vocabulary, lossGradient, IgnoreIndex);
}
