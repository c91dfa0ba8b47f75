// Generates extractive QA data in SQuAD v1.1/v2.0 shape: contexts state facts about made-up people
// (born in, worked as, played the ...), questions ask for one fact, answers are exact character
// spans. Several people per context force reading the right sentence; long contexts with filler need
// several windows at 64-128 tokens; v2.0 questions ask for facts the context does not state.

using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>Options for <see cref="QaDatasetGenerator"/>.</summary>
public sealed record QaDatasetOptions
{
    /// <summary>Number of contexts; default 200.</summary>
    public int ContextCount { get; init; } = 200;

    /// <summary>Questions per context; default 3.</summary>
    public int QuestionsPerContext { get; init; } = 3;

    /// <summary>
    /// Fraction of long contexts (4-6 people and filler sentences, roughly 200-350 words, several windows at
    /// max length 128); default 0.2. Short contexts hold 1-2 people (about 20-80 words).
    /// </summary>
    public double LongContextFraction { get; init; } = 0.2;

    /// <summary>Fraction of unanswerable questions (SQuAD v2.0); default 0 (v1.1 data).</summary>
    public double UnanswerableFraction { get; init; }

    /// <summary>Prefix of question ids ("train" gives "train-00042-1"); default "q".</summary>
    public string IdPrefix { get; init; } = "q";
}

/// <summary>The synthetic extractive QA generator; same seed and lexicon, same examples.</summary>
public static class QaDatasetGenerator
{
    /// <summary>
    /// Generates examples in context order (the questions of a context are consecutive, sharing the context string).
    /// Every answerable question has exactly one answer whose <see cref="QaAnswer.Start"/> is exact.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative counts or fractions outside [0, 1].</exception>
    public static IReadOnlyList<QaExample> Generate(int seed, QaDatasetOptions? options = null, SyntheticLexicon? lexicon = null)
    {
        options ??= new QaDatasetOptions();
        lexicon ??= SyntheticLexicon.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.ContextCount, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QuestionsPerContext, 1, nameof(options));
        if (options.LongContextFraction is < 0 or > 1 || options.UnanswerableFraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "LongContextFraction and UnanswerableFraction must be in [0, 1].");
        }
        var random = new SyntheticRandom(seed, "qa");
        var examples = new List<QaExample>(options.ContextCount * options.QuestionsPerContext);
        for (var c = 0; c < options.ContextCount; c++)
        {
            var longContext = random.Chance(options.LongContextFraction);
            var context = BuildContext(random, lexicon, longContext);
            var title = $"{options.IdPrefix} article {c / 10}";
            for (var q = 0; q < options.QuestionsPerContext; q++)
            {
                var id = $"{options.IdPrefix}-{c:D5}-{q}";
                var unanswerable = random.Chance(options.UnanswerableFraction);
                examples.Add(unanswerable ? Unanswerable(random, lexicon, context, id, title) : Answerable(random, context, id, title));
            }
        }
        return examples;
    }

    /// <summary>Generates and writes a SQuAD JSON file (v2.0 when any question is unanswerable), atomically.</summary>
    /// <returns>The number of questions written.</returns>
    public static int Write(string path, int seed, QaDatasetOptions? options = null, SyntheticLexicon? lexicon = null)
    {
        var examples = Generate(seed, options, lexicon);
        var version = (options?.UnanswerableFraction ?? 0) > 0 ? SquadVersion.V2_0 : SquadVersion.V1_1;
        return SquadWriter.Write(path, examples, version);
    }

    private sealed record Fact(string Person, QaAttribute Attribute, string Value, int Start);

    private sealed record Context(string Text, List<string> People, List<Fact> Facts);

    private static Context BuildContext(SyntheticRandom random, SyntheticLexicon lexicon, bool longContext)
    {
        var personCount = longContext ? random.Next(4, 7) : random.Next(1, 3);
        var people = new List<string>();
        while (people.Count < personCount)
        {
            var name = random.Pick(lexicon.Names);
            if (!people.Contains(name)) people.Add(name);
        }

        // Sentences are (template, person, attribute, value); filler has no person.
        var plan = new List<(string Text, Fact? Fact)>();
        foreach (var person in people)
        {
            var attributes = SyntheticTemplates.QaAttributes.ToArray();
            random.Shuffle(attributes);
            var count = random.Next(3, longContext ? 7 : 6);
            foreach (var attribute in attributes.Take(count))
            {
                string value;
                do
                {
                    value = random.Pick(lexicon.QaValues(attribute.Values));
                }
                while (value == person);
                var sentence = TemplateRenderer.Render(attribute.Fact, slot => slot switch
                {
                    "name" => person,
                    "value" => value,
                    _ => throw new InvalidOperationException($"Unexpected slot {slot}."),
                }, out var valueStart);
                plan.Add((TemplateRenderer.Sentence(sentence), new Fact(person, attribute, value, valueStart)));
            }
            if (longContext)
            {
                for (var f = random.Next(1, 3); f > 0; f--) plan.Add((TemplateRenderer.Sentence(SyntheticCorpusGenerator.Filler(random, lexicon)), null));
            }
        }

        var text = new System.Text.StringBuilder();
        var facts = new List<Fact>();
        foreach (var (sentence, fact) in plan)
        {
            if (text.Length > 0) text.Append(' ');
            // A value at the start of a sentence is capitalized by Sentence(); its span must match the context.
            var start = text.Length;
            text.Append(sentence);
            if (fact is not null)
            {
                var value = sentence.Substring(fact.Start, fact.Value.Length);
                facts.Add(fact with { Value = value, Start = start + fact.Start });
            }
        }
        return new Context(text.ToString(), people, facts);
    }

    private static QaExample Answerable(SyntheticRandom random, Context context, string id, string title)
    {
        var fact = random.Pick(context.Facts);
        var question = Question(random, fact.Attribute, fact.Person);
        return new QaExample(id, question, context.Text, [new QaAnswer(fact.Value, fact.Start)], false, title);
    }

    // Asks for an attribute a person in the context does not have stated; when every person has every
    // attribute, asks about someone absent from the context.
    private static QaExample Unanswerable(SyntheticRandom random, SyntheticLexicon lexicon, Context context, string id, string title)
    {
        var candidates = new List<(string Person, QaAttribute Attribute)>();
        foreach (var person in context.People)
        {
            foreach (var attribute in SyntheticTemplates.QaAttributes)
            {
                if (!context.Facts.Any(f => f.Person == person && f.Attribute == attribute)) candidates.Add((person, attribute));
            }
        }
        string who;
        QaAttribute what;
        if (candidates.Count > 0)
        {
            (who, what) = random.Pick(candidates);
        }
        else
        {
            do
            {
                who = random.Pick(lexicon.Names);
            }
            while (context.Text.Contains(who, StringComparison.Ordinal));
            what = random.Pick(SyntheticTemplates.QaAttributes);
        }
        return new QaExample(id, Question(random, what, who), context.Text, [], true, title);
    }

    private static string Question(SyntheticRandom random, QaAttribute attribute, string person) =>
        TemplateRenderer.Sentence(TemplateRenderer.Render(random.Pick(attribute.Questions), slot => slot == "name"
            ? person
            : throw new InvalidOperationException($"Unexpected slot {slot}.")));
}
