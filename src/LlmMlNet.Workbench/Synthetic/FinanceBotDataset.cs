// The generative demo's made-up bank ("a finance bot"): accounts with fees and rates, each a numbered rule;
// a domain corpus stating every rule in several phrasings (for pre-training), question → answer pairs over
// most rules (SFT) with the rest held out (answerable only from the corpus), and preference pairs that prefer
// answers citing their rule (DPO). Deterministic for a seed. Not a tokenizer (ByteLevelVocabularyBuilder).
using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>One rule of the bank: the value of an attribute of an account.</summary>
/// <param name="Rule">Its number.</param>
/// <param name="Account">The account ("gold").</param>
/// <param name="Attribute">What the rule sets ("wire fee").</param>
/// <param name="Value">The value, in words ("twelve dollars").</param>
public sealed record FinanceRule(int Rule, string Account, string Attribute, string Value)
{
    /// <summary>The answer that cites the rule, which the preference data prefers.</summary>
    public string CitedAnswer => $" {Value} under rule {Rule}";
}

/// <summary>Sizes of the generated data.</summary>
public sealed record FinanceBotOptions
{
    /// <summary>Accounts (at most 12); rules are accounts × 4 attributes. Default 12.</summary>
    public int Accounts { get; init; } = 12;

    /// <summary>Fraction of rules whose questions are held out of SFT (answerable only from the corpus). Default 0.25.</summary>
    public double HeldOutFraction { get; init; } = 0.25;

    /// <summary>Seed. Default 7.</summary>
    public int Seed { get; init; } = 7;
}

/// <summary>The generated corpus, SFT and DPO data.</summary>
/// <param name="Rules">Every rule.</param>
/// <param name="Corpus">Pre-training lines: each rule in several phrasings, shuffled.</param>
/// <param name="SftTrain">Question → answer over the SFT rules, in several question phrasings.</param>
/// <param name="SftHeldOut">One question per held-out rule (its answer is only in the corpus).</param>
/// <param name="DpoTrain">Pairs over the SFT rules: the answer citing its rule is chosen, the bare answer rejected.</param>
/// <param name="DpoHeldOut">The same over the held-out rules.</param>
public sealed record FinanceBotData(IReadOnlyList<FinanceRule> Rules, IReadOnlyList<string> Corpus, IReadOnlyList<SftExample> SftTrain,
    IReadOnlyList<SftExample> SftHeldOut, IReadOnlyList<PreferenceExample> DpoTrain, IReadOnlyList<PreferenceExample> DpoHeldOut);

/// <summary>Generates <see cref="FinanceBotData"/>.</summary>
public static class FinanceBotDataset
{
    private static readonly string[] Accounts = ["basic", "silver", "gold", "platinum", "student", "family", "travel", "business", "senior", "youth", "premier", "green"];
    private static readonly (string Name, string Unit)[] Attributes = [("monthly fee", "dollars"), ("wire fee", "dollars"), ("interest rate", "percent"), ("card limit", "hundred")];
    private static readonly string[] Numbers = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty"];

    private static readonly string[] Statements =
    [
        "rule {0} says the {2} of the {1} account is {3} .",
        "the {1} account has a {2} of {3} under rule {0} .",
        "under rule {0} , {1} clients pay a {2} of {3} .",
        "for the {1} account the {2} is {3} , see rule {0} .",
    ];

    private static readonly string[] Questions =
    [
        "what is the {1} of the {0} account ?",
        "how much is the {1} for the {0} account ?",
        "tell me the {1} of the {0} account .",
    ];

    /// <summary>The SFT prompt of a question: a "question :" line and the "answer :" cue.</summary>
    public static string Prompt(string question) => $"question : {question}\nanswer :";

    /// <summary>Generates the data.</summary>
    /// <exception cref="ArgumentException">Accounts outside 1..12 or a held-out fraction outside (0, 1).</exception>
    public static FinanceBotData Generate(FinanceBotOptions? options = null)
    {
        var o = options ?? new FinanceBotOptions();
        if (o.Accounts is < 1 or > 12) throw new ArgumentException($"Accounts must be in 1..12, got {o.Accounts}.", nameof(options));
        if (!(o.HeldOutFraction > 0 && o.HeldOutFraction < 1)) throw new ArgumentException($"HeldOutFraction must be in (0, 1), got {o.HeldOutFraction}.", nameof(options));
        var random = new SyntheticRandom(o.Seed, "finance-bot");
        var rules = new List<FinanceRule>();
        foreach (var account in Accounts.Take(o.Accounts))
            foreach (var (name, unit) in Attributes)
                rules.Add(new FinanceRule(rules.Count + 1, account, name, $"{random.Pick(Numbers)} {unit}"));
        var corpus = rules.SelectMany(r => Statements.Select(s => string.Format(s, r.Rule, r.Account, r.Attribute, r.Value))).ToList();
        random.Shuffle(corpus);
        var order = rules.ToList();
        random.Shuffle(order);
        int heldOut = Math.Max(1, (int)Math.Round(rules.Count * o.HeldOutFraction));
        var held = order.Take(heldOut).OrderBy(r => r.Rule).ToList();
        var trained = order.Skip(heldOut).OrderBy(r => r.Rule).ToList();
        var sftTrain = trained.SelectMany(r => Questions.Select(q => SftExample.Of(Prompt(string.Format(q, r.Account, r.Attribute)), " " + r.Value))).ToList();
        random.Shuffle(sftTrain);
        var sftHeld = held.Select((r, i) => SftExample.Of(Prompt(string.Format(Questions[i % Questions.Length], r.Account, r.Attribute)), " " + r.Value)).ToList();
        PreferenceExample Pair(FinanceRule r, string question) => new(Prompt(string.Format(question, r.Account, r.Attribute)), r.CitedAnswer, " " + r.Value);
        var dpoTrain = trained.SelectMany(r => Questions.Select(q => Pair(r, q))).ToList();
        random.Shuffle(dpoTrain);
        var dpoHeld = held.Select((r, i) => Pair(r, Questions[i % Questions.Length])).ToList();
        return new FinanceBotData(rules, corpus, sftTrain, sftHeld, dpoTrain, dpoHeld);
    }
}
