// The two reference models of DPO: a frozen copy of the starting weights (full fine-tuning, as TRL's
// ref_model), and, with LoRA, the policy's own weights with the adapter switched off (TRL with PEFT:
// no second copy). Both score in evaluation mode and leave no gradients. Not the loss (DpoObjective).
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Training;

/// <summary>A frozen copy of a causal LM's weights, scored without gradients.</summary>
public sealed class FrozenCopyReference : IReferenceScorer
{
    private readonly SequenceLogProbs _scorer;
    private int[] _counts = [];
    private double[] _logits = [];

    /// <summary>Copies <paramref name="start"/> (the policy's starting weights) into a frozen model sized maxBatch × maxSequence.</summary>
    public FrozenCopyReference(TransformerParameters start, int maxBatch, int maxSequence)
    {
        ArgumentNullException.ThrowIfNull(start);
        var copy = TransformerParameters.Create(start.Config, new HashSet<KeyGroup> { KeyGroup.Encoder }, trainable: _ => false);
        copy.Set.CopyValuesFrom(start.Set);
        Parameters = copy;
        _scorer = SequenceLogProbs.ForCausalLm(copy, maxBatch, maxSequence);
    }

    /// <summary>The frozen weights.</summary>
    public TransformerParameters Parameters { get; }

    /// <inheritdoc />
    public void Score(LanguageModelBatch batch, Span<double> logProbs) => Run(_scorer, batch, logProbs, ref _counts, ref _logits);

    internal static void Run(SequenceLogProbs scorer, LanguageModelBatch batch, Span<double> logProbs, ref int[] counts, ref double[] logits)
    {
        if (counts.Length < batch.Batch)
        {
            counts = new int[batch.Batch];
            logits = new double[batch.Batch];
        }
        scorer.Forward(batch, ForwardContext.Evaluation(), logProbs, counts, logits);
    }
}

/// <summary>The policy's own base weights with its LoRA adapter switched off for the forward.</summary>
public sealed class DisabledAdapterReference : IReferenceScorer
{
    private readonly SequenceLogProbs _scorer;
    private readonly LoraAdapter _adapter;
    private int[] _counts = [];
    private double[] _logits = [];

    /// <summary>Scores with <paramref name="scorer"/> (over the policy's body and head) while <paramref name="adapter"/> is disabled.</summary>
    public DisabledAdapterReference(SequenceLogProbs scorer, LoraAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(adapter);
        _scorer = scorer;
        _adapter = adapter;
    }

    /// <inheritdoc />
    public void Score(LanguageModelBatch batch, Span<double> logProbs)
    {
        bool was = _adapter.IsEnabled;
        _adapter.IsEnabled = false;
        try
        {
            FrozenCopyReference.Run(_scorer, batch, logProbs, ref _counts, ref _logits);
        }
        finally
        {
            _adapter.IsEnabled = was;
        }
    }
}
