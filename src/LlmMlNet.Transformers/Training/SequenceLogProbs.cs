// The log-likelihood of each row's targets under a causal LM, summed per row (log π(y|x) of DPO): the body over
// every position, the vocabulary head on the rows that have a target only, log-softmax, and a backward that takes
// one gradient per row. Shared by the DPO objective (policy, with gradients) and the reference and evaluation
// (no gradients). Not a loss: the caller turns the row sums into one.
using System.Numerics.Tensors;

namespace LlmMlNet.Transformers.Training;

/// <summary>Per-row sums of log p(target) under a body and a vocabulary head.</summary>
public sealed class SequenceLogProbs
{
    private readonly ISequenceEncoder _body;
    private readonly IVocabularyHead _head;
    private readonly int _channels, _vocabulary;
    private float[] _gathered = [], _logits = [], _logSumExp = [], _dGathered = [], _dLogits = [], _dHidden = [];
    private int[] _rows = [], _targets = [];
    private int _count, _positions, _sequenceLength;

    /// <summary>Joins a body and a head that share one parameter set.</summary>
    public SequenceLogProbs(ISequenceEncoder body, IVocabularyHead head)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(head);
        _body = body;
        _head = head;
        _channels = body.HiddenSize;
        _vocabulary = head.Vocabulary;
    }

    /// <summary>A scorer over a plain causal LM (GPT-2's body and tied LM head) sized for maxBatch × maxSequence.</summary>
    public static SequenceLogProbs ForCausalLm(Models.TransformerParameters parameters, int maxBatch, int maxSequence)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var model = new Models.TransformerModel(parameters, maxBatch, maxSequence);
        var head = new CausalLmRowHead(model);
        model.Commit();
        return new SequenceLogProbs(new TransformerSequenceEncoder(model), head);
    }

    /// <summary>Logits per position (the head's vocabulary).</summary>
    public int Vocabulary => _vocabulary;

    /// <summary>The parameters the body trains.</summary>
    public Tensors.Memory.ParameterSet Parameters => _body.Parameters;

    /// <summary>
    /// Runs the model on <paramref name="batch"/>: for each row r, <paramref name="logProbs"/>[r] = Σ_t log softmax(logits_t)[target_t]
    /// over its positions with a target, <paramref name="counts"/>[r] the number of those positions and
    /// <paramref name="logitSums"/>[r] the sum of every logit at those positions (TRL logs their mean). Caches what
    /// <see cref="Backward"/> needs.
    /// </summary>
    /// <exception cref="ArgumentException">A span shorter than the batch, or a target outside the vocabulary.</exception>
    public void Forward(LanguageModelBatch batch, ForwardContext context, Span<double> logProbs, Span<int> counts, Span<double> logitSums)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int b = batch.Batch;
        if (logProbs.Length < b || counts.Length < b || logitSums.Length < b)
            throw new ArgumentException($"The result spans must hold {b} rows.", nameof(logProbs));
        _sequenceLength = batch.SequenceLength;
        _positions = b * batch.SequenceLength;
        _count = 0;
        foreach (var t in batch.Targets.AsSpan(0, _positions))
        {
            if (t == LanguageModelBatch.IgnoreTarget) continue;
            if ((uint)t >= (uint)_vocabulary) throw new ArgumentException($"A target {t} is outside the vocabulary of {_vocabulary}.", nameof(batch));
            _count++;
        }
        Ensure(ref _rows, _count);
        Ensure(ref _targets, _count);
        for (int i = 0, k = 0; i < _positions; i++)
        {
            if (batch.Targets[i] == LanguageModelBatch.IgnoreTarget) continue;
            _rows[k] = i;
            _targets[k++] = batch.Targets[i];
        }
        var hidden = _body.Forward(batch, context);
        logProbs[..b].Clear();
        counts[..b].Clear();
        logitSums[..b].Clear();
        if (_count == 0) return;
        Ensure(ref _gathered, _count * _channels);
        Ensure(ref _logits, _count * _vocabulary);
        Ensure(ref _logSumExp, _count);
        for (int k = 0; k < _count; k++)
            hidden.Slice(_rows[k] * _channels, _channels).CopyTo(_gathered.AsSpan(k * _channels, _channels));
        _head.Forward(_gathered.AsSpan(0, _count * _channels), _logits.AsSpan(0, _count * _vocabulary), _count, context);
        // The kernel's mean loss is not needed; it fills each row's log-sum-exp in one vectorised pass.
        Tensors.Kernels.CrossEntropy.Forward(_logSumExp, _logits, _targets, _count, _vocabulary);
        for (int k = 0; k < _count; k++)
        {
            int row = _rows[k] / _sequenceLength;
            var x = _logits.AsSpan(k * _vocabulary, _vocabulary);
            logProbs[row] += x[_targets[k]] - _logSumExp[k];
            counts[row]++;
            logitSums[row] += TensorPrimitives.Sum(x);
        }
    }

    /// <summary>
    /// Differentiates L with dL/d logProbs[r] = <paramref name="rowGradients"/>[r] through the last Forward:
    /// dL/dlogits_t = g_r · (onehot(target_t) − softmax(logits_t)), then the head and the body accumulate parameter gradients.
    /// </summary>
    public void Backward(ReadOnlySpan<float> rowGradients)
    {
        Ensure(ref _dHidden, _positions * _channels);
        var dHidden = _dHidden.AsSpan(0, _positions * _channels);
        dHidden.Clear();
        if (_count > 0)
        {
            Ensure(ref _dLogits, _count * _vocabulary);
            Ensure(ref _dGathered, _count * _channels);
            var dGathered = _dGathered.AsSpan(0, _count * _channels);
            dGathered.Clear();
            for (int k = 0; k < _count; k++)
            {
                float g = rowGradients[_rows[k] / _sequenceLength];
                var x = _logits.AsSpan(k * _vocabulary, _vocabulary);
                var d = _dLogits.AsSpan(k * _vocabulary, _vocabulary);
                TensorPrimitives.Subtract(x, _logSumExp[k], d);
                TensorPrimitives.Exp(d, d);
                TensorPrimitives.Multiply(d, -g, d);
                d[_targets[k]] += g;
            }
            _head.Backward(_gathered.AsSpan(0, _count * _channels), _dLogits.AsSpan(0, _count * _vocabulary), dGathered, _count);
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
