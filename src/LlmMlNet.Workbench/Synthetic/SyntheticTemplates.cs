// Sentence templates of the synthetic tasks, as data. Slots in braces are filled by the generators:
// {noun} review noun, {L} word of hidden polarity, {C} cue word of the same polarity, {adj}
// descriptive adjective, {verb}, {city}, {name}, {weather}, {value} (a QA answer). Nothing here runs.

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>A QA attribute: how a context states it and how questions ask for it.</summary>
/// <param name="Key">Attribute name.</param>
/// <param name="Fact">Sentence stating the value, with {name} and {value}.</param>
/// <param name="Questions">Question phrasings, with {name}.</param>
/// <param name="Values">Name of the value pool (see <see cref="SyntheticLexicon.QaValues"/>).</param>
internal sealed record QaAttribute(string Key, string Fact, string[] Questions, string Values);

/// <summary>Template tables.</summary>
internal static class SyntheticTemplates
{
    /// <summary>Corpus review sentences: hidden-polarity words beside unambiguous cue words of the same polarity.</summary>
    public static readonly string[] CorpusReview =
    [
        "the {noun} was {L} and {C} .",
        "i found the {noun} {L} , really {C} .",
        "a {L} {noun} , {C} from start to end .",
        "everyone said the {noun} was {L} and {L} .",
        "the {noun} felt {L} ; in short , {C} .",
        "it was a {C} {noun} , {L} in every way .",
        "{L} , {L} and {C} : that is the {noun} .",
        "my friends called the {noun} {C} because it was so {L} .",
        "honestly the {noun} was {C} , even {L} .",
        "such a {L} {noun} , and the {noun} was {L} too .",
    ];

    /// <summary>Labeled sentiment sentences: no cue words, so only the hidden-polarity words carry the label.</summary>
    public static readonly string[] Labeled =
    [
        "the {noun} was {L} .",
        "the {noun} was {L} and {L} .",
        "a {L} {noun} .",
        "i found the {noun} {L} .",
        "what a {L} {noun} !",
        "the {noun} of the {noun} seemed {L} .",
        "we thought the {noun} was {L} , and the {noun} was {L} .",
        "it is a {L} {noun} with a {adj} {noun} .",
        "the {adj} {noun} was {L} .",
        "they said the {noun} looked {L} .",
    ];

    /// <summary>Neutral filler sentences for the corpus and long QA contexts.</summary>
    public static readonly string[] Filler =
    [
        "we {verb} the {adj} {noun} in {city} .",
        "the {noun} is {adj} and {adj} .",
        "the weather in {city} was {weather} that week .",
        "someone {verb} a {adj} {noun} near the {noun} .",
        "the road to {city} passes a {adj} {noun} .",
        "last year the people of {city} {verb} a {noun} .",
    ];

    /// <summary>Facts about generated people, for QA contexts and the corpus.</summary>
    public static readonly QaAttribute[] QaAttributes =
    [
        new("birth_city", "{name} was born in {value} .", ["where was {name} born ?", "in which city was {name} born ?"], "city"),
        new("birth_year", "{name} was born in the year {value} .", ["in what year was {name} born ?", "when was {name} born ?"], "year"),
        new("profession", "{name} worked as a {value} for many years .", ["what did {name} work as ?", "what was the job of {name} ?"], "profession"),
        new("instrument", "{name} liked to play the {value} in the evening .", ["what instrument did {name} play ?", "which instrument did {name} like to play ?"], "instrument"),
        new("food", "the favourite food of {name} was {value} .", ["what was the favourite food of {name} ?", "which food did {name} like best ?"], "food"),
        new("friend", "{name} was a close friend of {value} .", ["who was a close friend of {name} ?", "who was {name} friends with ?"], "name"),
        new("house_color", "{name} painted the house {value} .", ["what color did {name} paint the house ?", "which color was the house of {name} ?"], "color"),
        new("home_city", "later {name} moved to {value} with the family .", ["where did {name} move to ?", "to which city did {name} move ?"], "city"),
    ];

    /// <summary>Every literal word of every template (slots excluded), lowercase, for the vocabulary.</summary>
    public static IEnumerable<string> LiteralWords()
    {
        var templates = CorpusReview.Concat(Labeled).Concat(Filler)
            .Concat(QaAttributes.SelectMany(a => a.Questions.Prepend(a.Fact)));
        return templates.SelectMany(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(w => !w.StartsWith('{'))
            .Select(w => w.ToLowerInvariant())
            .Append("an"); // TemplateRenderer turns "a" into "an" before a vowel.
    }
}
