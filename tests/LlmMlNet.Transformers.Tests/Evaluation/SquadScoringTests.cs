// Tests of SQuAD scoring against the official scripts' logic: normalize_answer, exact match, token F1
// (with repeated tokens), v1.1 versus v2.0 handling of empty answers, and the 0-100 aggregation with
// HasAns/NoAns splits and missing predictions.

using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Evaluation;

public sealed class SquadScoringTests
{
    [Theory]
    [InlineData("The Quick, Brown-Fox!", "quick brownfox")]
    [InlineData("  An   apple a day\t", "apple day")]
    [InlineData("theater of the absurd", "theater of absurd")]
    [InlineData("A-Team", "ateam")]
    [InlineData("the", "")]
    [InlineData("Ünïcode  Ärger.", "ünïcode ärger")]
    [InlineData("don't stop", "dont stop")]
    public void NormalizationFollowsTheOfficialScript(string text, string expected) =>
        Assert.Equal(expected, SquadNormalizer.Normalize(text));

    [Fact]
    public void ExactMatchAndF1OnOfficialStyleCases()
    {
        Assert.Equal(1, SquadScoring.ExactMatch("Denver Broncos", "the denver broncos."));
        Assert.Equal(0, SquadScoring.ExactMatch("Denver", "Denver Broncos"));
        // pred tokens [cat, sat, on, mat], gold [cat, on, mat]: P = 3/4, R = 1, F1 = 6/7.
        Assert.Equal(6.0 / 7, SquadScoring.F1("the cat sat on the mat", "a cat on a mat"), 12);
        // Counter intersection: "dog" counts once. P = 1/3, R = 1, F1 = 0.5.
        Assert.Equal(0.5, SquadScoring.F1("dog dog dog", "dog"), 12);
        Assert.Equal(0, SquadScoring.F1("Paris", "London"));
    }

    [Fact]
    public void EmptyAnswersDifferBetweenV11AndV20()
    {
        Assert.Equal(1, SquadScoring.F1("", "", SquadVersion.V2_0));
        Assert.Equal(0, SquadScoring.F1("", "", SquadVersion.V1_1));
        Assert.Equal(0, SquadScoring.F1("the", "Paris", SquadVersion.V2_0));
        Assert.Equal(1, SquadScoring.ExactMatch("", "the"));
        Assert.Equal(["Paris"], SquadScoring.GoldAnswers(["the", "Paris"], SquadVersion.V2_0));
        Assert.Equal([""], SquadScoring.GoldAnswers([], SquadVersion.V2_0));
        Assert.Equal(["the", "Paris"], SquadScoring.GoldAnswers(["the", "Paris"], SquadVersion.V1_1));
    }

    [Fact]
    public void MaxOverGoldAnswers()
    {
        string[] golds = ["Santa Clara", "Levi's Stadium", "Levi's Stadium in the San Francisco Bay Area at Santa Clara, California."];
        Assert.Equal(1, SquadScoring.MaxExactMatch("levis stadium", golds));
        // Predicted tokens [santa, clara, california]. First gold: P = 2/3, R = 1, F1 = 0.8. Third gold (11 tokens
        // after dropping "the"): P = 1, R = 3/11, F1 = 6/14. The max is 0.8.
        Assert.Equal(0.8, SquadScoring.MaxF1("Santa Clara California", golds), 12);
        Assert.Equal(6.0 / 14, SquadScoring.F1("Santa Clara California", golds[2]), 12);
    }

    [Fact]
    public void V20AggregationSplitsAnswerableAndUnanswerable()
    {
        const string context = "Ann was born in Rome in 1850.";
        QaExample[] gold =
        [
            new("q1", "Where?", context, [new QaAnswer("Rome", 16)]),
            new("q2", "When?", context, [new QaAnswer("in 1850", 21)]),
            new("q3", "Why?", context, [], IsImpossible: true),
            new("q4", "Who?", context, [], IsImpossible: true),
            new("q5", "What?", context, [new QaAnswer("Ann", 0)]),
        ];
        var predictions = new Dictionary<string, string> { ["q1"] = "Rome", ["q2"] = "1850", ["q3"] = "", ["q4"] = "Ann" };
        var metrics = QaEvaluator.Evaluate(gold, predictions, SquadVersion.V2_0);
        // q5 has no prediction: the v2.0 script leaves it out. EM: 1, 0, 1, 0; F1: 1, 2/3, 1, 0.
        Assert.Equal(4, metrics.Count);
        Assert.Equal(1, metrics.MissingPredictions);
        Assert.Equal(50, metrics.ExactMatch, 9);
        Assert.Equal(100 * (1 + 2.0 / 3 + 1) / 4, metrics.F1, 9);
        Assert.Equal(2, metrics.HasAnswerCount);
        Assert.Equal(50, metrics.HasAnswerExactMatch!.Value, 9);
        Assert.Equal(100 * (1 + 2.0 / 3) / 2, metrics.HasAnswerF1!.Value, 9);
        Assert.Equal(2, metrics.NoAnswerCount);
        Assert.Equal(50, metrics.NoAnswerExactMatch!.Value, 9);
    }

    [Fact]
    public void V11AggregationScoresMissingPredictionsAsZero()
    {
        QaExample[] gold =
        [
            new("a", "q", "Rome is old.", [new QaAnswer("Rome", 0)]),
            new("b", "q", "Rome is old.", [new QaAnswer("old", 8)]),
        ];
        var metrics = QaEvaluator.Evaluate(gold, new Dictionary<string, string> { ["a"] = "rome" }, SquadVersion.V1_1);
        Assert.Equal(2, metrics.Count);
        Assert.Equal(50, metrics.ExactMatch, 9);
        Assert.Equal(50, metrics.F1, 9);
        Assert.Equal(1, metrics.MissingPredictions);
        Assert.Null(metrics.NoAnswerExactMatch);
    }
}
