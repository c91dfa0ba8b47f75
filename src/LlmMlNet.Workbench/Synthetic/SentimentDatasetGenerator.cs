// Generates the few-label sentiment tasks (binary, 3-class, and same/different sentence pairs) over
// the synthetic lexicon. The mechanism that makes pre-training pay off: labeled sentences carry their
// label only through made-up words of hidden polarity; the small train set uses a minority of those
// words ("seen"), the test set uses all of them, so a model trained from scratch is at chance on
// unseen words, while one pre-trained on SyntheticCorpusGenerator's corpus has seen them beside cue words.

using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>Options for <see cref="SentimentDatasetGenerator"/>.</summary>
public sealed record SentimentDatasetOptions
{
    /// <summary>2 (negative/positive) or 3 (negative/neutral/positive); default 2. Pairs are always built from 2 polarities.</summary>
    public int ClassCount { get; init; } = 2;

    /// <summary>Labeled training examples, balanced over classes; default 300 ("a few hundred labels").</summary>
    public int TrainCount { get; init; } = 300;

    /// <summary>Validation examples, drawn like the training set (seen words only); default 100.</summary>
    public int ValidationCount { get; init; } = 100;

    /// <summary>Test examples, balanced, drawn from all hidden-polarity words; default 400.</summary>
    public int TestCount { get; init; } = 400;

    /// <summary>Fraction of each class's hidden-polarity words that train and validation sentences may use; default 0.25.</summary>
    public double SeenWordFraction { get; init; } = 0.25;
}

/// <summary>A generated sentiment task.</summary>
/// <param name="Train">Training examples (labels "negative"/"positive", plus "neutral" for 3 classes; "same"/"different" for pairs).</param>
/// <param name="Validation">Validation examples, from the same seen words as <paramref name="Train"/>: for early stopping and
/// checking that training works, not a measure of the task (a from-scratch model scores about 0.99 on it).</param>
/// <param name="Test">Test examples, from all hidden-polarity words.</param>
/// <param name="SeenWords">The hidden-polarity words train and validation may use; test examples with none of them can only be solved from pre-training.</param>
public sealed record SentimentDataset(
    IReadOnlyList<TextClassificationExample> Train,
    IReadOnlyList<TextClassificationExample> Validation,
    IReadOnlyList<TextClassificationExample> Test,
    IReadOnlySet<string> SeenWords)
{
    /// <summary>
    /// The test examples none of whose words is in <see cref="SeenWords"/>: the items only pre-training can solve, on
    /// which a model that saw nothing but the labels is at chance. Report accuracy here (and on <see cref="Test"/>), never
    /// on <see cref="Validation"/>, whose seen words any model fitted to the labels gets nearly all right.
    /// </summary>
    public IReadOnlyList<TextClassificationExample> UnseenWordTest =>
        Test.Where(e => !e.Text.Split(' ').Any(SeenWords.Contains) && (e.TextPair is null || !e.TextPair.Split(' ').Any(SeenWords.Contains))).ToList();
}

/// <summary>
/// The few-label sentiment dataset generator. Each labeled sentence ("i found the hotel brelomish .")
/// uses templates without cue words, so its label is carried only by one or two made-up words whose
/// polarity (positive, negative or neutral) is hidden. The training and validation sets draw those
/// words from a small seen subset (<see cref="SentimentDatasetOptions.SeenWordFraction"/>); the test set
/// draws from all of them. The unlabeled corpus of <see cref="SyntheticCorpusGenerator"/> places every
/// such word beside cue words of its polarity, so a model pre-trained on it can place unseen words
/// correctly, and one trained from scratch cannot. Same seed and lexicon, same dataset.
/// </summary>
public static class SentimentDatasetGenerator
{
    /// <summary>Generates single-sentence examples with labels "negative", "positive" (and "neutral" for 3 classes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">ClassCount not 2 or 3, negative counts, or SeenWordFraction outside (0, 1].</exception>
    public static SentimentDataset Generate(int seed, SentimentDatasetOptions? options = null, SyntheticLexicon? lexicon = null)
    {
        options = Check(options);
        lexicon ??= SyntheticLexicon.Default;
        var random = new SyntheticRandom(seed, "sentiment");
        var classes = Classes(options.ClassCount);
        var seen = SeenWords(random, lexicon, classes, options.SeenWordFraction);
        List<TextClassificationExample> Make(int count, bool seenOnly) =>
            Balanced(random, classes, count).Select(c => new TextClassificationExample(
                Sentence(random, lexicon, c, seenOnly ? seen : null), null, SentimentLabels.Name(c))).ToList();
        return new SentimentDataset(Make(options.TrainCount, true), Make(options.ValidationCount, true), Make(options.TestCount, false),
            seen.Values.SelectMany(w => w).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// Generates sentence pairs (text, text_pair) labeled "same" when both sentences have the same polarity
    /// (negative or positive) and "different" otherwise, balanced. <see cref="SentimentDatasetOptions.ClassCount"/> is ignored.
    /// </summary>
    public static SentimentDataset GeneratePairs(int seed, SentimentDatasetOptions? options = null, SyntheticLexicon? lexicon = null)
    {
        options = Check((options ?? new SentimentDatasetOptions()) with { ClassCount = 2 });
        lexicon ??= SyntheticLexicon.Default;
        var random = new SyntheticRandom(seed, "sentiment-pairs");
        var classes = Classes(2);
        var seen = SeenWords(random, lexicon, classes, options.SeenWordFraction);
        List<TextClassificationExample> Make(int count, bool seenOnly)
        {
            var examples = new List<TextClassificationExample>(count);
            foreach (var same in Balanced(random, [true, false], count))
            {
                var first = random.Pick(classes);
                var second = same ? first : classes.First(c => c != first);
                var words = seenOnly ? seen : null;
                examples.Add(new TextClassificationExample(
                    Sentence(random, lexicon, first, words), Sentence(random, lexicon, second, words), same ? "same" : "different"));
            }
            return examples;
        }
        return new SentimentDataset(Make(options.TrainCount, true), Make(options.ValidationCount, true), Make(options.TestCount, false),
            seen.Values.SelectMany(w => w).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The hidden-polarity words of a sentence produced by this generator (for analysis and tests).</summary>
    public static IEnumerable<string> PolarityWords(string sentence, SyntheticLexicon? lexicon = null)
    {
        lexicon ??= SyntheticLexicon.Default;
        return sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => lexicon.PolarityOf(w) is not null);
    }

    private static SentimentDatasetOptions Check(SentimentDatasetOptions? options)
    {
        options ??= new SentimentDatasetOptions();
        if (options.ClassCount is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(options), options.ClassCount, "ClassCount must be 2 or 3.");
        ArgumentOutOfRangeException.ThrowIfNegative(options.TrainCount, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.ValidationCount, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.TestCount, nameof(options));
        if (options.SeenWordFraction is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SeenWordFraction, "SeenWordFraction must be in (0, 1].");
        }
        return options;
    }

    private static SentimentClass[] Classes(int count) =>
        count == 2 ? [SentimentClass.Negative, SentimentClass.Positive] : [SentimentClass.Negative, SentimentClass.Neutral, SentimentClass.Positive];

    private static Dictionary<SentimentClass, string[]> SeenWords(SyntheticRandom random, SyntheticLexicon lexicon, SentimentClass[] classes, double fraction)
    {
        var seen = new Dictionary<SentimentClass, string[]>();
        foreach (var c in classes)
        {
            var words = lexicon.Words(c).ToArray();
            random.Shuffle(words);
            seen[c] = words[..Math.Max(1, (int)Math.Round(words.Length * fraction))];
        }
        return seen;
    }

    // Exactly balanced labels (the remainder spread over the first classes), in shuffled order.
    private static List<T> Balanced<T>(SyntheticRandom random, IReadOnlyList<T> classes, int count)
    {
        var labels = Enumerable.Range(0, count).Select(i => classes[i % classes.Count]).ToList();
        random.Shuffle(labels);
        return labels;
    }

    private static string Sentence(SyntheticRandom random, SyntheticLexicon lexicon, SentimentClass polarity, Dictionary<SentimentClass, string[]>? seen)
    {
        var template = random.Pick(SyntheticTemplates.Labeled);
        return TemplateRenderer.Render(template, slot => slot == "L"
            ? random.Pick(seen is null ? lexicon.Words(polarity) : seen[polarity])
            : SyntheticCorpusGenerator.FillReviewSlot(random, lexicon, polarity, slot));
    }
}
