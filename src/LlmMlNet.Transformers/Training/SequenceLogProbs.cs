// The log-likelihood of each row's targets under a causal LM, summed per row (log π(y|x) of DPO): the body over
// every position and the vocabulary head on the rows that have a target only (TargetedRows), log-softmax, and a
// backward that takes one gradient per row. Shared by the DPO objective (policy, with gradients) and the reference and evaluation
// (no gradients). Not a loss: the caller turns the row sums into one.
using System.Numerics.Tensors;

namespace LlmMlNet.Transformers.Training;

/// <summary>Per-row sums of log p(target) under a body and a vocabulary head.</summary>
public sealed class SequenceLogProbs
{
    private readonly ISequenceEncoder _body;
    private readonly TargetedRows _rows;

    /// <summary>Joins a body and a head that share one parameter set.</summary>
    public SequenceLogProbs(ISequenceEncoder body, IVocabularyHead head)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(head);
        _body = body;
        _rows = new TargetedRows(body, head);
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
    public int Vocabulary => _rows.Vocabulary;

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
        // The mean loss is not needed; the forward fills each targeted position's log-sum-exp.
        _rows.Forward(batch, context);
        logProbs[..b].Clear();
        counts[..b].Clear();
        logitSums[..b].Clear();
        var positions = _rows.Rows;
        var targets = _rows.Targets;
        var logSumExp = _rows.LogSumExp;
        int vocabulary = _rows.Vocabulary;
        for (int k = 0; k < positions.Length; k++)
        {
            int row = positions[k] / _rows.SequenceLength;
            var x = _rows.Logits.Slice(k * vocabulary, vocabulary);
            logProbs[row] += x[targets[k]] - logSumExp[k];
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
        var dLogits = _rows.LogitGradients();
        var positions = _rows.Rows;
        var targets = _rows.Targets;
        var logSumExp = _rows.LogSumExp;
        int vocabulary = _rows.Vocabulary;
        for (int k = 0; k < positions.Length; k++)
        {
            float g = rowGradients[positions[k] / _rows.SequenceLength];
            var d = dLogits.Slice(k * vocabulary, vocabulary);
            TensorPrimitives.Subtract(_rows.Logits.Slice(k * vocabulary, vocabulary), logSumExp[k], d);
            TensorPrimitives.Exp(d, d);
            TensorPrimitives.Multiply(d, -g, d);
            d[targets[k]] += g;
        }
        _rows.Backward();
    }
}
