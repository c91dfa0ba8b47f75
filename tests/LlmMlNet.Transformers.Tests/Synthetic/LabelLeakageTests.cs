// Guards the few-label sentiment task against label leaks that would let a model trained from scratch
// match a pre-trained one: a discriminative bag of words and bigrams (logistic regression, so it can use
// templates, nouns and word order, not only the polarity words) trained on the labels must stay near chance
// on test items whose polarity words the labels never showed, while doing well on the seen-word validation set.

using LlmMlNet.Transformers.Data;
using LlmMlNet.Workbench.Synthetic;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Synthetic;

public sealed class LabelLeakageTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void BagOfWordsAndBigramsOnTheLabelsIsAtChanceOnUnseenWordTestItems(int seed)
    {
        var dataset = SentimentDatasetGenerator.Generate(seed);
        var unseenOnly = dataset.UnseenWordTest;
        Assert.Equal(dataset.Test.Count(e => !SentimentDatasetGenerator.PolarityWords(e.Text).Any(dataset.SeenWords.Contains)), unseenOnly.Count);
        Assert.True(unseenOnly.Count >= 200, $"only {unseenOnly.Count} unseen-word test items");
        var model = LogisticRegression.Train(dataset.Train);

        // It learned the task where the labels inform it (seen words) ...
        Assert.True(model.Accuracy(dataset.Validation) >= 0.9, $"validation accuracy {model.Accuracy(dataset.Validation):F3}");
        // ... and nothing else: with ~280 items, chance is 0.5 ± 0.03 (one standard deviation), so 0.58 would be a leak.
        var unseenAccuracy = model.Accuracy(unseenOnly);
        Assert.InRange(unseenAccuracy, 0.42, 0.58);
    }

    [Fact]
    public void NoCueWordAppearsInAnyLabeledSentence()
    {
        var cues = Enum.GetValues<SentimentClass>().SelectMany(SyntheticLexicon.Cues).ToHashSet();
        var dataset = SentimentDatasetGenerator.Generate(3, new SentimentDatasetOptions { ClassCount = 3 });
        var leaking = dataset.Train.Concat(dataset.Validation).Concat(dataset.Test).Where(e => e.Text.Split(' ').Any(cues.Contains)).ToList();
        Assert.True(leaking.Count == 0, $"cue word in labeled sentence: '{leaking.FirstOrDefault()?.Text}'");
    }

    // Binary logistic regression over word and bigram indicators, full-batch gradient descent with light L2.
    private sealed class LogisticRegression(Dictionary<string, double> weights, double bias)
    {
        public static LogisticRegression Train(IReadOnlyList<TextClassificationExample> examples)
        {
            var features = examples.Select(e => Features(e.Text)).ToList();
            var targets = examples.Select(e => e.Label == "positive" ? 1.0 : 0.0).ToList();
            var weights = new Dictionary<string, double>();
            double bias = 0;
            const double Rate = 0.5, L2 = 1e-4;
            for (var epoch = 0; epoch < 200; epoch++)
            {
                var gradient = new Dictionary<string, double>();
                double biasGradient = 0;
                for (var i = 0; i < features.Count; i++)
                {
                    var error = Sigmoid(features[i].Sum(f => weights.GetValueOrDefault(f)) + bias) - targets[i];
                    foreach (var f in features[i]) gradient[f] = gradient.GetValueOrDefault(f) + error;
                    biasGradient += error;
                }
                foreach (var (f, g) in gradient) weights[f] = weights.GetValueOrDefault(f) - Rate * (g / features.Count + L2 * weights.GetValueOrDefault(f));
                bias -= Rate * biasGradient / features.Count;
            }
            return new LogisticRegression(weights, bias);
        }

        public double Accuracy(IReadOnlyList<TextClassificationExample> examples) =>
            examples.Count(e => (Features(e.Text).Sum(f => weights.GetValueOrDefault(f)) + bias > 0 ? "positive" : "negative") == e.Label)
            / (double)examples.Count;

        private static HashSet<string> Features(string text)
        {
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words.Concat(words.Zip(words.Skip(1), (a, b) => a + " " + b)).ToHashSet();
        }

        private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
    }
}
