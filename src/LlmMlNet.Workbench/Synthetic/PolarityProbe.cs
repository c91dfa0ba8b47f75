// A cheap check of what masked-LM pre-training learned about the synthetic world: put a hidden-polarity
// word in a review sentence whose cue word is [MASK]ed and ask the MLM head whether the positive or the
// negative cue words are more likely there. A model that learned the corpus's co-occurrence answers by
// the word's polarity; one that learned nothing answers at chance. No training happens here.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>The outcome of <see cref="PolarityProbe.Measure"/>.</summary>
/// <param name="Scores">Per probed word: log P(positive cues) − log P(negative cues) at the masked cue slot, summed over the probe sentences.</param>
/// <param name="Accuracy">Share of probed words whose score has the sign of their polarity (0.5 is chance).</param>
public sealed record PolarityProbeResult(IReadOnlyDictionary<string, double> Scores, double Accuracy);

/// <summary>Cue-conditioned [MASK] probe of a masked-LM checkpoint over the synthetic lexicon.</summary>
public static class PolarityProbe
{
    // Corpus-review sentences with the cue slot filled by a placeholder cue that is then replaced by [MASK].
    private static readonly string[] Sentences =
    [
        "the film was {0} and {1} .",
        "i found the meal {0} , really {1} .",
        "honestly the hotel was {1} , even {0} .",
        "it was a {1} book , {0} in every way .",
    ];

    /// <summary>
    /// Probes <paramref name="words"/> (default: every positive and negative hidden-polarity word of <paramref name="lexicon"/>).
    /// Each word must be a positive or negative word of the lexicon and a single token of <paramref name="tokenizer"/>.
    /// </summary>
    /// <param name="parameters">A model with the masked-LM head (e.g. after <c>Pretraining.Train</c>).</param>
    /// <param name="tokenizer">Its tokenizer (needs a mask token).</param>
    /// <param name="lexicon">The lexicon the corpus was generated with.</param>
    /// <param name="words">The words to probe, or null for all positive and negative ones.</param>
    /// <exception cref="ArgumentException">A word that is not a positive or negative word of the lexicon.</exception>
    /// <exception cref="InvalidOperationException">No mask token, or a cue word that is not one token.</exception>
    public static PolarityProbeResult Measure(TransformerParameters parameters, Tokenizer tokenizer, SyntheticLexicon lexicon, IEnumerable<string>? words = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(lexicon);
        var probed = (words ?? lexicon.PositiveWords.Concat(lexicon.NegativeWords)).ToArray();
        foreach (var word in probed)
        {
            if (lexicon.PolarityOf(word) is not (SentimentClass.Positive or SentimentClass.Negative))
                throw new ArgumentException($"'{word}' is not a positive or negative word of the lexicon.", nameof(words));
        }
        int mask = tokenizer.MaskTokenId ?? throw new InvalidOperationException("The tokenizer has no mask token.");
        int[] CueIds(SentimentClass c) => SyntheticLexicon.Cues(c)
            .Select(w => tokenizer.TokenToId(w) ?? throw new InvalidOperationException($"Cue word '{w}' is not one token.")).ToArray();
        var positive = CueIds(SentimentClass.Positive);
        var negative = CueIds(SentimentClass.Negative);
        var placeholder = SyntheticLexicon.Cues(SentimentClass.Neutral)[0];
        int placeholderId = tokenizer.TokenToId(placeholder) ?? throw new InvalidOperationException($"'{placeholder}' is not one token.");

        var scores = probed.ToDictionary(w => w, _ => 0.0, StringComparer.Ordinal);
        if (probed.Length == 0) return new PolarityProbeResult(scores, double.NaN);
        var rows = probed.Select(w => Sentences.Select(s => tokenizer.Encode(string.Format(null, s, w, placeholder)).Ids.ToArray()).ToArray()).ToArray();
        int vocab = parameters.Config.VocabSize;
        foreach (var length in rows.SelectMany(r => r).Select(r => r.Length).Distinct())
        {
            var batch = new List<(int Word, int[] Ids)>();
            for (int w = 0; w < probed.Length; w++)
                batch.AddRange(rows[w].Where(r => r.Length == length).Select(r => (w, r)));
            var model = new TransformerModel(parameters, batch.Count, length);
            var head = new MaskedLmHead(model);
            model.Commit();
            var ids = batch.SelectMany(b => b.Ids.Select(id => id == placeholderId ? mask : id)).ToArray();
            var logits = head.Forward(model.Forward(new ModelBatch(batch.Count, length, ids)));
            for (int b = 0; b < batch.Count; b++)
            {
                int at = Array.IndexOf(batch[b].Ids, placeholderId);
                var row = logits.Slice((b * length + at) * vocab, vocab);
                scores[probed[batch[b].Word]] += LogSumExp(row, positive) - LogSumExp(row, negative);
            }
        }
        var correct = probed.Count(w => (scores[w] > 0) == (lexicon.PolarityOf(w) == SentimentClass.Positive));
        return new PolarityProbeResult(scores, correct / (double)probed.Length);
    }

    private static double LogSumExp(ReadOnlySpan<float> logits, int[] ids)
    {
        double max = double.NegativeInfinity;
        foreach (var id in ids) max = Math.Max(max, logits[id]);
        double sum = 0;
        foreach (var id in ids) sum += Math.Exp(logits[id] - max);
        return max + Math.Log(sum);
    }
}
