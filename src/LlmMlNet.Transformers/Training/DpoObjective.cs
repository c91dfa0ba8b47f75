// Direct Preference Optimization (Rafailov et al. 2023) as a trainable model: per pair,
// z = β[(log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x))] and loss = −log σ(z), averaged
// over the pairs (TRL's loss_type "sigmoid" without label smoothing). The reference log-probabilities come from
// an IReferenceScorer without gradients, before the policy's forward; the policy runs once over the stacked
// chosen and rejected rows. Not the data pipeline or the reference model's construction.
namespace LlmMlNet.Transformers.Training;

/// <summary>Scores rows under the frozen reference model (no gradients, evaluation mode).</summary>
public interface IReferenceScorer
{
    /// <summary>logProbs[r] = Σ log π_ref(target) over row r's targets.</summary>
    void Score(LanguageModelBatch batch, Span<double> logProbs);
}

/// <summary>The DPO loss over a policy and a reference.</summary>
public sealed class DpoObjective : ITrainableModel<PreferenceBatch>
{
    private readonly SequenceLogProbs _policy;
    private readonly IReferenceScorer _reference;
    private readonly List<PreferenceMetrics> _pending = [];
    private double[] _logps = [], _refLogps = [], _logitSums = [];
    private int[] _counts = [];
    private float[] _dz = [], _rowGradients = [];
    private int _pairs;

    /// <summary>Creates the objective.</summary>
    /// <param name="policy">The model being trained.</param>
    /// <param name="reference">The frozen starting model.</param>
    /// <param name="beta">β, the strength of the implicit KL penalty (TRL default 0.1).</param>
    /// <exception cref="ArgumentException">β is not positive and finite.</exception>
    public DpoObjective(SequenceLogProbs policy, IReferenceScorer reference, float beta = 0.1f)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        if (!(beta > 0) || !float.IsFinite(beta)) throw new ArgumentException($"beta must be positive, got {beta}.", nameof(beta));
        _policy = policy;
        _reference = reference;
        Beta = beta;
    }

    /// <summary>β.</summary>
    public float Beta { get; }

    /// <inheritdoc />
    public Tensors.Memory.ParameterSet Parameters => _policy.Parameters;

    /// <summary>The metrics of the last Forward.</summary>
    public PreferenceMetrics? LastMetrics { get; private set; }

    /// <summary>The mean metrics of the forwards since the last call (one optimizer step's micro-batches), or null if none.</summary>
    public PreferenceMetrics? TakeMetrics()
    {
        if (_pending.Count == 0) return null;
        var mean = PreferenceMetrics.Mean(_pending);
        _pending.Clear();
        return mean;
    }

    /// <summary>Scores the reference, runs the policy and returns the mean DPO loss; Targets counts pairs.</summary>
    public BatchLoss Forward(PreferenceBatch batch, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rows = batch.Sequences;
        int n = rows.Batch, p = batch.Pairs;
        Ensure(ref _logps, n);
        Ensure(ref _refLogps, n);
        Ensure(ref _logitSums, n);
        Ensure(ref _counts, n);
        Ensure(ref _dz, p);
        _reference.Score(rows, _refLogps);
        _policy.Forward(rows, context, _logps, _counts, _logitSums);
        _pairs = p;
        double loss = 0, chosen = 0, rejected = 0, wins = 0, logpChosen = 0, logpRejected = 0;
        double logitChosen = 0, logitRejected = 0;
        long tokensChosen = 0, tokensRejected = 0;
        for (int i = 0; i < p; i++)
        {
            double rc = Beta * (_logps[i] - _refLogps[i]);
            double rr = Beta * (_logps[p + i] - _refLogps[p + i]);
            double z = rc - rr;
            loss += Softplus(-z);
            // dL/dz of −log σ(z) is −σ(−z); the mean over pairs divides by p.
            _dz[i] = (float)(-Sigmoid(-z) / p);
            chosen += rc;
            rejected += rr;
            if (rc > rr) wins++;
            logpChosen += _logps[i];
            logpRejected += _logps[p + i];
            logitChosen += _logitSums[i];
            logitRejected += _logitSums[p + i];
            tokensChosen += _counts[i];
            tokensRejected += _counts[p + i];
        }
        double vocabulary = _policy.Vocabulary;
        LastMetrics = new PreferenceMetrics
        {
            Loss = loss / p,
            RewardsChosen = chosen / p,
            RewardsRejected = rejected / p,
            RewardsAccuracy = wins / p,
            LogpsChosen = logpChosen / p,
            LogpsRejected = logpRejected / p,
            LogitsChosen = tokensChosen == 0 ? 0 : logitChosen / tokensChosen / vocabulary,
            LogitsRejected = tokensRejected == 0 ? 0 : logitRejected / tokensRejected / vocabulary,
            Pairs = p,
        };
        if (context.IsTraining) _pending.Add(LastMetrics);
        return new BatchLoss((float)(loss / p), rows.TokenCount, p);
    }

    /// <summary>Differentiates lossScale · the last loss: d/dlog π(y_w) = β·dz, d/dlog π(y_l) = −β·dz, through the policy.</summary>
    public void Backward(float lossScale)
    {
        int p = _pairs;
        Ensure(ref _rowGradients, 2 * p);
        for (int i = 0; i < p; i++)
        {
            _rowGradients[i] = lossScale * Beta * _dz[i];
            _rowGradients[p + i] = -lossScale * Beta * _dz[i];
        }
        _policy.Backward(_rowGradients.AsSpan(0, 2 * p));
    }

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    private static void Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[Math.Max(length, buffer.Length * 2)];
    }
}
