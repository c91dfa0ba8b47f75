// Generates the unlabeled English-like pre-training corpus of the synthetic world. Its job in the
// few-label experiment: put every hidden-polarity word beside cue words of its class ("the film
// was brelomish and great"), so masked-LM pre-training can learn the polarity that the small labeled
// set never shows for most words. It also states facts about people (the QA domain) and neutral filler.

using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>Options for <see cref="SyntheticCorpusGenerator"/>.</summary>
public sealed record SyntheticCorpusOptions
{
    /// <summary>Number of documents; default 3000 (about 110k words, a few minutes of tiny-model pre-training on 2 cores).</summary>
    public int Documents { get; init; } = 3000;

    /// <summary>Fraction of review documents (hidden-polarity words beside cue words); default 0.6.</summary>
    public double ReviewFraction { get; init; } = 0.6;

    /// <summary>Fraction of biography documents (QA-style facts); default 0.3. The rest are neutral filler.</summary>
    public double FactFraction { get; init; } = 0.3;

    /// <summary>Sentences per document, inclusive range; default 3 to 6.</summary>
    public int MinSentences { get; init; } = 3;

    /// <summary>See <see cref="MinSentences"/>.</summary>
    public int MaxSentences { get; init; } = 6;
}

/// <summary>
/// The unlabeled corpus generator. Review documents have one polarity (positive, negative or neutral,
/// equally likely); each sentence pairs hidden-polarity words of that polarity with each other and with
/// the unambiguous cue words of that polarity. That co-occurrence is the only place the polarity of a
/// hidden-polarity word can be learned from, which is what makes pre-training measurably help the
/// few-label sentiment tasks of <see cref="SentimentDatasetGenerator"/>.
/// </summary>
public static class SyntheticCorpusGenerator
{
    /// <summary>Streams documents (lists of sentences, lowercase except names, tokens separated by spaces); same seed, same corpus.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative counts, fractions outside [0, 1] or summing above 1, or MinSentences &gt; MaxSentences.</exception>
    public static IEnumerable<IReadOnlyList<string>> Generate(int seed, SyntheticCorpusOptions? options = null, SyntheticLexicon? lexicon = null)
    {
        options ??= new SyntheticCorpusOptions();
        lexicon ??= SyntheticLexicon.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.Documents, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinSentences, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSentences, options.MinSentences, nameof(options));
        if (options.ReviewFraction is < 0 or > 1 || options.FactFraction is < 0 or > 1 || options.ReviewFraction + options.FactFraction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ReviewFraction and FactFraction must be in [0, 1] and sum to at most 1.");
        }
        return GenerateCore(seed, options, lexicon);
    }

    /// <summary>Generates the corpus and writes it to <paramref name="path"/> (blank line between documents), atomically.</summary>
    /// <returns>The number of documents written.</returns>
    public static int Write(string path, int seed, SyntheticCorpusOptions? options = null, SyntheticLexicon? lexicon = null) =>
        TextCorpusWriter.Write(path, Generate(seed, options, lexicon));

    private static IEnumerable<IReadOnlyList<string>> GenerateCore(int seed, SyntheticCorpusOptions options, SyntheticLexicon lexicon)
    {
        var random = new SyntheticRandom(seed, "corpus");
        for (var d = 0; d < options.Documents; d++)
        {
            var sentenceCount = random.Next(options.MinSentences, options.MaxSentences + 1);
            var kind = random.NextDouble();
            if (kind < options.ReviewFraction)
            {
                yield return Review(random, lexicon, (SentimentClass)random.Next(3), sentenceCount);
            }
            else if (kind < options.ReviewFraction + options.FactFraction)
            {
                yield return Biography(random, lexicon, sentenceCount);
            }
            else
            {
                yield return Enumerable.Range(0, sentenceCount).Select(_ => Filler(random, lexicon)).ToList();
            }
        }
    }

    private static List<string> Review(SyntheticRandom random, SyntheticLexicon lexicon, SentimentClass polarity, int sentenceCount)
    {
        var sentences = new List<string>(sentenceCount);
        for (var s = 0; s < sentenceCount; s++)
        {
            // An occasional neutral sentence keeps reviews from being pure templates.
            if (s > 0 && random.Chance(0.15))
            {
                sentences.Add(Filler(random, lexicon));
                continue;
            }
            var template = random.Pick(SyntheticTemplates.CorpusReview);
            sentences.Add(TemplateRenderer.Render(template, slot => FillReviewSlot(random, lexicon, polarity, slot)));
        }
        return sentences;
    }

    /// <summary>Fills a review or labeled-sentence slot; shared with the sentiment generator.</summary>
    internal static string FillReviewSlot(SyntheticRandom random, SyntheticLexicon lexicon, SentimentClass polarity, string slot) => slot switch
    {
        "L" => random.Pick(lexicon.Words(polarity)),
        "C" => random.Pick(SyntheticLexicon.Cues(polarity)),
        _ => FillCommonSlot(random, lexicon, slot),
    };

    /// <summary>Fills the slots common to all templates.</summary>
    internal static string FillCommonSlot(SyntheticRandom random, SyntheticLexicon lexicon, string slot) => slot switch
    {
        "noun" => random.Pick(SyntheticWordLists.ReviewNouns),
        "adj" => random.Pick(SyntheticWordLists.DescriptiveAdjectives),
        "verb" => random.Pick(SyntheticWordLists.Verbs),
        "city" => random.Pick(lexicon.Cities),
        "name" => random.Pick(lexicon.Names),
        "weather" => random.Pick(SyntheticWordLists.Weather),
        _ => throw new InvalidOperationException($"Template slot '{{{slot}}}' has no filler."),
    };

    internal static string Filler(SyntheticRandom random, SyntheticLexicon lexicon) =>
        TemplateRenderer.Render(random.Pick(SyntheticTemplates.Filler), slot => FillCommonSlot(random, lexicon, slot));

    private static List<string> Biography(SyntheticRandom random, SyntheticLexicon lexicon, int sentenceCount)
    {
        var name = random.Pick(lexicon.Names);
        var attributes = SyntheticTemplates.QaAttributes.ToArray();
        random.Shuffle(attributes);
        var sentences = new List<string>(sentenceCount);
        foreach (var attribute in attributes.Take(sentenceCount))
        {
            string value;
            do
            {
                value = random.Pick(lexicon.QaValues(attribute.Values));
            }
            while (value == name);
            sentences.Add(TemplateRenderer.Render(attribute.Fact, slot => slot switch
            {
                "name" => name,
                "value" => value,
                _ => FillCommonSlot(random, lexicon, slot),
            }));
        }
        return sentences;
    }
}
