// The core that LanguageModelObjective (mean cross-entropy) and SequenceLogProbs (DPO's per-row log-likelihoods)
// share: run the body over every position, gather the hidden rows that have a target, apply the vocabulary head to
// those rows only (the V-wide projection dominates the cost), and on the way back scatter the head's input gradient
// into a full-size hidden gradient for the body. What the caller does with the logits, and so how it fills their
// gradient, is its own.
using LlmMlNet.Tensors.Kernels;

namespace LlmMlNet.Transformers.Training;

/// <summary>A body and a vocabulary head run on the positions of a batch that have a target.</summary>
internal sealed class TargetedRows
{
    private readonly ISequenceEncoder _body;
    private readonly IVocabularyHead _head;
    private readonly int _channels;
    private float[] _gathered = [], _logits = [], _logSumExp = [], _dGathered = [], _dLogits = [], _dHidden = [];
    private int[] _rows = [], _targets = [];
    private int _positions;

    /// <summary>Joins a body and a head that share one parameter set.</summary>
    /// <exception cref="ArgumentException">The head's vocabulary is not positive.</exception>
    public TargetedRows(ISequenceEncoder body, IVocabularyHead head)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(head);
        if (head.Vocabulary <= 0) throw new ArgumentException($"The head's vocabulary must be positive, got {head.Vocabulary}.", nameof(head));
        _body = body;
        _head = head;
        _channels = body.HiddenSize;
        Vocabulary = head.Vocabulary;
    }

    /// <summary>Logits per targeted position.</summary>
    public int Vocabulary { get; }

    /// <summary>Targeted positions of the last Forward.</summary>
    public int Count { get; private set; }

    /// <summary>Positions per row of the last Forward's batch.</summary>
    public int SequenceLength { get; private set; }

    /// <summary>The flat position (row · SequenceLength + column) of each targeted position.</summary>
    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, Count);

    /// <summary>The target of each targeted position.</summary>
    public ReadOnlySpan<int> Targets => _targets.AsSpan(0, Count);

    /// <summary>Count × Vocabulary logits of the last Forward.</summary>
    public ReadOnlySpan<float> Logits => _logits.AsSpan(0, Count * Vocabulary);

    /// <summary>Each targeted position's log Σ exp(logits).</summary>
    public ReadOnlySpan<float> LogSumExp => _logSumExp.AsSpan(0, Count);

    /// <summary>
    /// Runs the body on <paramref name="batch"/> and the head on its targeted positions; returns the mean cross-entropy of
    /// their targets (0 when there are none).
    /// </summary>
    /// <exception cref="ArgumentException">A target outside the vocabulary (naming the row and column).</exception>
    public float Forward(LanguageModelBatch batch, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        SequenceLength = batch.SequenceLength;
        _positions = batch.Batch * batch.SequenceLength;
        var targets = batch.Targets;
        int count = 0;
        for (int i = 0; i < _positions; i++)
        {
            int t = targets[i];
            if (t == LanguageModelBatch.IgnoreTarget) continue;
            if ((uint)t >= (uint)Vocabulary)
                throw new ArgumentException($"targets[{i / SequenceLength}][{i % SequenceLength}] = {t} is outside the vocabulary of {Vocabulary}.", nameof(batch));
            count++;
        }
        Count = count;
        Ensure(ref _rows, count);
        Ensure(ref _targets, count);
        for (int i = 0, k = 0; i < _positions; i++)
        {
            if (targets[i] == LanguageModelBatch.IgnoreTarget) continue;
            _rows[k] = i;
            _targets[k++] = targets[i];
        }
        var hidden = _body.Forward(batch, context);
        if (count == 0) return 0f;
        Ensure(ref _gathered, count * _channels);
        Ensure(ref _logits, count * Vocabulary);
        Ensure(ref _logSumExp, count);
        for (int k = 0; k < count; k++)
            hidden.Slice(_rows[k] * _channels, _channels).CopyTo(_gathered.AsSpan(k * _channels, _channels));
        _head.Forward(_gathered.AsSpan(0, count * _channels), _logits.AsSpan(0, count * Vocabulary), count, context);
        return CrossEntropy.Forward(_logSumExp, _logits, _targets, count, Vocabulary);
    }

    /// <summary>The cleared Count × Vocabulary buffer the caller fills with dL/dlogits before <see cref="Backward"/>.</summary>
    public Span<float> LogitGradients()
    {
        Ensure(ref _dLogits, Count * Vocabulary);
        var dLogits = _dLogits.AsSpan(0, Count * Vocabulary);
        dLogits.Clear();
        return dLogits;
    }

    /// <summary>
    /// Back-propagates the logit gradients the caller wrote into <see cref="LogitGradients"/> through the head, scatters
    /// them to their positions (the others get zero) and through the body; the parameters accumulate their gradients.
    /// </summary>
    public void Backward()
    {
        Ensure(ref _dHidden, _positions * _channels);
        var dHidden = _dHidden.AsSpan(0, _positions * _channels);
        dHidden.Clear();
        if (Count > 0)
        {
            Ensure(ref _dGathered, Count * _channels);
            var dGathered = _dGathered.AsSpan(0, Count * _channels);
            dGathered.Clear();
            _head.Backward(_gathered.AsSpan(0, Count * _channels), _dLogits.AsSpan(0, Count * Vocabulary), dGathered, Count);
            for (int k = 0; k < Count; k++)
                dGathered.Slice(k * _channels, _channels).CopyTo(dHidden.Slice(_rows[k] * _channels, _channels));
        }
        _body.Backward(dHidden);
    }

    private static void Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[Math.Max(length, buffer.Length * 2)];
    }
}
