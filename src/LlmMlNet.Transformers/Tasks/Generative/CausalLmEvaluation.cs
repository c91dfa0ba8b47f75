// Evaluation of causal LMs on the three kinds of data they train on: perplexity on plain text (packed blocks,
// as pre-training measures it); for SFT data, the perplexity of the reference responses (the SFT loss) and exact
// match of generated responses (compared trimmed); for preference data, DPO's metrics, whose rewards/accuracies
// is the preference accuracy (chosen's implicit reward above rejected's). Not generation: responses to compare
// come from the caller's generator.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks.Generative;

/// <summary>Mean next-token loss over some targets and its perplexity.</summary>
/// <param name="Loss">Mean cross-entropy (nats per token).</param>
/// <param name="Perplexity">exp(Loss).</param>
public sealed record LanguageModelMetrics(double Loss, double Perplexity);

/// <summary>Metrics of causal LMs.</summary>
public static class CausalLmEvaluation
{
    /// <summary>Perplexity of <paramref name="model"/> on text lines packed into blocks of <paramref name="blockSize"/> tokens.</summary>
    /// <exception cref="ArgumentException">The text has fewer than two tokens, or the block exceeds the model's positions.</exception>
    public static LanguageModelMetrics Perplexity(TransformerParameters model, Tokenizer tokenizer, IEnumerable<CorpusLine> lines, int blockSize = 128,
        int batchSize = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        blockSize = Math.Min(blockSize, model.Config.MaxPositions - model.Config.PositionOffset);
        var objective = Pretraining.CreateObjective(model, PretrainingObjective.CausalLm, batchSize, blockSize);
        var collator = new CausalLanguageModelCollator(CausalLmTuning.PadId(tokenizer));
        var batches = BlockPacker.Pack(lines, tokenizer, blockSize).Chunk(batchSize).Select(c => collator.Collate(c, default));
        return Metrics(LossEvaluation.Evaluate(objective, batches, cancellationToken));
    }

    /// <summary>The loss and perplexity of the reference responses (and EOS) given their prompts: the SFT loss on held-out data.</summary>
    /// <exception cref="ArgumentException">No example has a response token.</exception>
    public static LanguageModelMetrics ResponsePerplexity(TransformerParameters model, CausalLmFeaturizer featurizer, IEnumerable<SftExample> examples,
        int batchSize = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(examples);
        var objective = Pretraining.CreateObjective(model, PretrainingObjective.CausalLm, batchSize, featurizer.MaxLength);
        var collator = new SupervisedCollator(CausalLmTuning.PadId(featurizer.Tokenizer));
        var batches = examples.Select(featurizer.Featurize).Chunk(batchSize).Select(c => collator.Collate(c, default));
        return Metrics(LossEvaluation.Evaluate(objective, batches, cancellationToken));
    }

    /// <summary>The fraction of <paramref name="generated"/> responses equal to their reference once both are trimmed of surrounding white space.</summary>
    /// <exception cref="ArgumentException">The lists differ in length or are empty.</exception>
    public static double ExactMatch(IReadOnlyList<string> references, IReadOnlyList<string> generated)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(generated);
        if (references.Count != generated.Count || references.Count == 0)
            throw new ArgumentException($"Exact match needs one generation per reference; got {generated.Count} for {references.Count}.", nameof(generated));
        return references.Zip(generated).Count(p => string.Equals(p.First.Trim(), p.Second.Trim(), StringComparison.Ordinal)) / (double)references.Count;
    }

    /// <summary>
    /// DPO's metrics of <paramref name="policy"/> on preference pairs; <see cref="PreferenceMetrics.RewardsAccuracy"/> is the preference
    /// accuracy. The implicit reward is β·(log π − log π_ref) with <paramref name="reference"/>; without one it is β·log π, so the accuracy
    /// then ranks the responses by the policy's likelihood.
    /// </summary>
    /// <exception cref="ArgumentException">No pairs, or β not positive.</exception>
    public static PreferenceMetrics Preferences(TransformerParameters policy, TransformerParameters? reference, CausalLmFeaturizer featurizer,
        IEnumerable<PreferenceExample> pairs, float beta = DpoOptions.Defaults.Beta, int batchSize = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(pairs);
        int rows = 2 * batchSize;
        IReferenceScorer scorer = reference is null ? new NoReference() : new FrozenCopyReference(reference, rows, featurizer.MaxLength);
        var objective = new DpoObjective(SequenceLogProbs.ForCausalLm(policy, rows, featurizer.MaxLength), scorer, beta);
        var collator = new PreferenceCollator(CausalLmTuning.PadId(featurizer.Tokenizer));
        return Run(objective, pairs.Select(featurizer.Featurize).Chunk(batchSize).Select(c => collator.Collate(c, default)), cancellationToken);
    }

    /// <summary>Runs <paramref name="objective"/> in evaluation mode over <paramref name="batches"/> and averages its metrics.</summary>
    internal static PreferenceMetrics Run(DpoObjective objective, IEnumerable<PreferenceBatch> batches, CancellationToken cancellationToken)
    {
        var parts = new List<PreferenceMetrics>();
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            objective.Forward(batch, ForwardContext.Evaluation());
            parts.Add(objective.LastMetrics!);
        }
        if (parts.Count == 0) throw new ArgumentException("There are no preference pairs to evaluate.", nameof(batches));
        return PreferenceMetrics.Mean(parts);
    }

    private static LanguageModelMetrics Metrics(IReadOnlyDictionary<string, double> table) =>
        new(table[LossEvaluation.LossMetric], table[LossEvaluation.PerplexityMetric]);

    // log π_ref = 0: the reward is the policy's own β·log π.
    private sealed class NoReference : IReferenceScorer
    {
        public void Score(LanguageModelBatch batch, Span<double> logProbs) => logProbs[..batch.Batch].Clear();
    }
}
