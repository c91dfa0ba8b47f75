// The vocabulary of the synthetic tasks: fixed English word lists plus made-up words (people,
// cities, and adjectives of hidden polarity) generated from syllables by a seed. One lexicon is
// shared by the corpus, the labeled datasets and the vocab builder so that their words agree.

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>
/// Words of the synthetic world. The hidden-polarity words (<see cref="PositiveWords"/>,
/// <see cref="NegativeWords"/>, <see cref="NeutralWords"/>) are made-up adjectives such as "brelomish": nothing in
/// their spelling tells their polarity; the unlabeled corpus reveals it by placing them beside the cue words
/// ("good", "awful", "ordinary") of their class. Lexicons with the same seed and word count are identical.
/// </summary>
public sealed class SyntheticLexicon
{
    private static readonly string[] Onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gr", "kl", "pl", "st", "tr", "sk", "sh", "th", "qu", "sl"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ee", "oo", "ou", "ei"];
    private static readonly string[] Codas = ["", "", "", "n", "r", "l", "s", "m", "k", "nd", "st", "sh"];

    private readonly Dictionary<string, SentimentClass> polarities = new(StringComparer.Ordinal);

    /// <summary>Creates the lexicon for <paramref name="seed"/>.</summary>
    /// <param name="seed">Seed of the made-up words.</param>
    /// <param name="wordsPerPolarity">Hidden-polarity words per class (positive, negative, neutral); default 80.</param>
    /// <param name="nameCount">Made-up person names; default 120.</param>
    /// <param name="cityCount">Made-up city names; default 48.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count below 4.</exception>
    public SyntheticLexicon(int seed = 0, int wordsPerPolarity = 80, int nameCount = 120, int cityCount = 48)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wordsPerPolarity, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(nameCount, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(cityCount, 4);
        Seed = seed;
        var random = new SyntheticRandom(seed, "lexicon");
        var taken = new HashSet<string>(FixedWords(), StringComparer.Ordinal);
        string[] Make(int count, int minSyllables, int maxSyllables, Func<int, string>? suffix = null)
        {
            var words = new string[count];
            for (var i = 0; i < count; i++)
            {
                string word;
                do
                {
                    var syllables = random.Next(minSyllables, maxSyllables + 1);
                    word = "";
                    for (var s = 0; s < syllables; s++)
                    {
                        word += random.Pick(Onsets) + random.Pick(Vowels) + (s == syllables - 1 || random.Chance(0.3) ? random.Pick(Codas) : "");
                    }
                    word += suffix?.Invoke(i) ?? "";
                }
                while (word.Length < 4 || !taken.Add(word));
                words[i] = word;
            }
            return words;
        }

        PositiveWords = Make(wordsPerPolarity, 2, 3);
        NegativeWords = Make(wordsPerPolarity, 2, 3);
        NeutralWords = Make(wordsPerPolarity, 2, 3);
        Names = Make(nameCount, 2, 3).Select(Capitalize).ToArray();
        Cities = Make(cityCount, 1, 2, i => SyntheticWordLists.CitySuffixes[i % SyntheticWordLists.CitySuffixes.Length]).Select(Capitalize).ToArray();
        foreach (var (words, polarity) in new[] { (PositiveWords, SentimentClass.Positive), (NegativeWords, SentimentClass.Negative), (NeutralWords, SentimentClass.Neutral) })
        {
            foreach (var word in words) polarities[word] = polarity;
        }
        Years = Enumerable.Range(1800, 200).Select(y => y.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The default lexicon (seed 0, default counts), shared by the CLI demo, tests and notebooks.</summary>
    public static SyntheticLexicon Default { get; } = new();

    /// <summary>The seed the made-up words came from.</summary>
    public int Seed { get; }

    /// <summary>Made-up adjectives of hidden positive polarity.</summary>
    public IReadOnlyList<string> PositiveWords { get; }

    /// <summary>Made-up adjectives of hidden negative polarity.</summary>
    public IReadOnlyList<string> NegativeWords { get; }

    /// <summary>Made-up adjectives of hidden neutral polarity (used by the 3-class task).</summary>
    public IReadOnlyList<string> NeutralWords { get; }

    /// <summary>Made-up person names (capitalized).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Made-up city names (capitalized).</summary>
    public IReadOnlyList<string> Cities { get; }

    /// <summary>Years 1800-1999 as words.</summary>
    public IReadOnlyList<string> Years { get; }

    /// <summary>Unambiguous cue words: positive ("good", ...), negative ("bad", ...), neutral ("ordinary", ...).</summary>
    public static IReadOnlyList<string> Cues(SentimentClass polarity) => polarity switch
    {
        SentimentClass.Positive => SyntheticWordLists.PositiveCues,
        SentimentClass.Negative => SyntheticWordLists.NegativeCues,
        _ => SyntheticWordLists.NeutralCues,
    };

    /// <summary>The hidden-polarity words of <paramref name="polarity"/>.</summary>
    public IReadOnlyList<string> Words(SentimentClass polarity) => polarity switch
    {
        SentimentClass.Positive => PositiveWords,
        SentimentClass.Negative => NegativeWords,
        _ => NeutralWords,
    };

    /// <summary>The polarity of a hidden-polarity word, or null for any other word.</summary>
    public SentimentClass? PolarityOf(string word) => polarities.TryGetValue(word, out var polarity) ? polarity : null;

    /// <summary>Value pools of the QA attributes by name: city, year, profession, instrument, food, name, color.</summary>
    internal IReadOnlyList<string> QaValues(string pool) => pool switch
    {
        "city" => Cities,
        "year" => Years,
        "profession" => SyntheticWordLists.Professions,
        "instrument" => SyntheticWordLists.Instruments,
        "food" => SyntheticWordLists.Foods,
        "name" => Names,
        "color" => SyntheticWordLists.Colors,
        _ => throw new ArgumentOutOfRangeException(nameof(pool), pool, "Unknown QA value pool."),
    };

    /// <summary>Every word any generator can emit, lowercase, distinct, sorted (ordinal): the vocabulary's word list.</summary>
    public IReadOnlyList<string> AllWords()
    {
        var words = new SortedSet<string>(FixedWords(), StringComparer.Ordinal);
        foreach (var word in PositiveWords.Concat(NegativeWords).Concat(NeutralWords).Concat(Names).Concat(Cities).Concat(Years))
        {
            words.Add(word.ToLowerInvariant());
        }
        return [.. words];
    }

    // Words of the fixed lists and templates, split into single words ("bus driver" → bus, driver).
    private static IEnumerable<string> FixedWords() =>
        SyntheticWordLists.ReviewNouns
            .Concat(SyntheticWordLists.DescriptiveAdjectives)
            .Concat(SyntheticWordLists.PositiveCues).Concat(SyntheticWordLists.NegativeCues).Concat(SyntheticWordLists.NeutralCues)
            .Concat(SyntheticWordLists.Verbs).Concat(SyntheticWordLists.Professions).Concat(SyntheticWordLists.Instruments)
            .Concat(SyntheticWordLists.Foods).Concat(SyntheticWordLists.Colors).Concat(SyntheticWordLists.Weather)
            .Concat(SyntheticTemplates.LiteralWords())
            .SelectMany(w => w.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.All(char.IsLetterOrDigit))
            .Select(w => w.ToLowerInvariant());

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
