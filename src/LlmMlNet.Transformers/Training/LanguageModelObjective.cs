// MLM and CLM as one objective: run the body over every position, gather the hidden rows that have a
// target (the masked ~15% for MLM, non-padding positions for CLM), apply the vocabulary head to
// those rows only (the V-wide projection dominates the cost), cross-entropy, and scatter the
// gradient back. Which targets exist is the collator's choice. Not a masker or a data pipeline.
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Training;

/// <summary>Language-model loss over the positions that have targets.</summary>
public sealed class LanguageModelObjective : ITrainableModel<LanguageModelBatch>
{
    private readonly ISequenceEncoder _body;
    private readonly IVocabularyHead _head;
    private readonly int _channels, _vocabulary;
    private float[] _gathered = [], _logits = [], _logSumExp = [], _dGathered = [], _dLogits = [], _dHidden = [];
    private int[] _rows = [], _targets = [];
    private int _count, _positions;

    /// <summary>Joins a body and a head that share one <see cref="ParameterSet"/>.</summary>
    /// <exception cref="ArgumentException">The head's vocabulary is not positive.</exception>
    public LanguageModelObjective(ISequenceEncoder body, IVocabularyHead head)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(head);
        if (head.Vocabulary <= 0) throw new ArgumentException($"The head's vocabulary must be positive, got {head.Vocabulary}.", nameof(head));
        _body = body;
        _head = head;
        _channels = body.HiddenSize;
        _vocabulary = head.Vocabulary;
    }

    /// <inheritdoc />
    public ParameterSet Parameters => _body.Parameters;

    /// <summary>
    /// Mean cross-entropy over positions whose target is not -100 (0 when there are none, with no gradient).
    /// Tokens counts real (unpadded) input tokens; Targets counts predicted positions.
    /// </summary>
    /// <exception cref="ArgumentException">A target outside the vocabulary (naming the row and column).</exception>
    public BatchLoss Forward(LanguageModelBatch batch, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _positions = batch.Batch * batch.SequenceLength;
        var targets = batch.Targets;
        _count = 0;
        for (int i = 0; i < _positions; i++)
        {
            int t = targets[i];
            if (t == LanguageModelBatch.IgnoreTarget) continue;
            if ((uint)t >= (uint)_vocabulary)
                throw new ArgumentException($"targets[{i / batch.SequenceLength}][{i % batch.SequenceLength}] = {t} is outside the vocabulary of {_vocabulary}.", nameof(batch));
            _count++;
        }
        Ensure(ref _rows, _count);
        Ensure(ref _targets, _count);
        for (int i = 0, k = 0; i < _positions; i++)
        {
            if (targets[i] == LanguageModelBatch.IgnoreTarget) continue;
            _rows[k] = i;
            _targets[k++] = targets[i];
        }
        var hidden = _body.Forward(batch, context);
        if (_count == 0) return new BatchLoss(0f, batch.TokenCount, 0);
        Ensure(ref _gathered, _count * _channels);
        Ensure(ref _logits, _count * _vocabulary);
        Ensure(ref _logSumExp, _count);
        for (int k = 0; k < _count; k++)
            hidden.Slice(_rows[k] * _channels, _channels).CopyTo(_gathered.AsSpan(k * _channels, _channels));
        _head.Forward(_gathered.AsSpan(0, _count * _channels), _logits.AsSpan(0, _count * _vocabulary), _count, context);
        float loss = CrossEntropy.Forward(_logSumExp, _logits, _targets, _count, _vocabulary);
        return new BatchLoss(loss, batch.TokenCount, _count);
    }

    /// <summary>Differentiates lossScale · loss of the last Forward into the body's and head's gradients.</summary>
    public void Backward(float lossScale)
    {
        Ensure(ref _dHidden, _positions * _channels);
        var dHidden = _dHidden.AsSpan(0, _positions * _channels);
        dHidden.Clear();
        if (_count > 0)
        {
            Ensure(ref _dLogits, _count * _vocabulary);
            Ensure(ref _dGathered, _count * _channels);
            var dLogits = _dLogits.AsSpan(0, _count * _vocabulary);
            var dGathered = _dGathered.AsSpan(0, _count * _channels);
            dLogits.Clear();
            dGathered.Clear();
            CrossEntropy.Backward(dLogits, _logits, _logSumExp, _targets, _count, _vocabulary, lossScale);
            _head.Backward(_gathered.AsSpan(0, _count * _channels), dLogits, dGathered, _count);
            for (int k = 0; k < _count; k++)
                dGathered.Slice(k * _channels, _channels).CopyTo(dHidden.Slice(_rows[k] * _channels, _channels));
        }
        _body.Backward(dHidden);
    }

    private static void Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[Math.Max(length, buffer.Length * 2)];
    }
}
