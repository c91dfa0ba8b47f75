// Checks, without any neural network, that the synthetic world has the property the few-label
// experiment needs: the labeled train set alone cannot tell the polarity of most test words, while
// co-occurrence statistics of the unlabeled corpus recover nearly all of them.

using LlmMlNet.Workbench.Synthetic;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Synthetic;

public sealed class PretrainingSignalTests
{
    [Fact]
    public void CorpusCoOccurrenceRevealsTheHiddenPolarityOfEveryWord()
    {
        var lexicon = SyntheticLexicon.Default;
        var votes = CueVotes(lexicon, SyntheticCorpusGenerator.Generate(11));
        var all = lexicon.PositiveWords.Concat(lexicon.NegativeWords).Concat(lexicon.NeutralWords).ToList();
        // Every hidden-polarity word appears beside cue words often enough to be learned.
        Assert.All(all, w => Assert.True(votes.GetValueOrDefault(w)?.Sum() >= 10, $"'{w}' is rarely beside a cue word"));
        var recovered = all.Count(w => (SentimentClass)Array.IndexOf(votes[w], votes[w].Max()) == lexicon.PolarityOf(w));
        Assert.True(recovered >= 0.98 * all.Count, $"only {recovered} of {all.Count} polarities recovered");
    }

    [Fact]
    public void TrainLabelsAloneLeaveMostTestExamplesAtChanceButTheCorpusSolvesThem()
    {
        var lexicon = SyntheticLexicon.Default;
        var dataset = SentimentDatasetGenerator.Generate(12);
        var unseenOnly = dataset.Test.Where(e => SentimentDatasetGenerator.PolarityWords(e.Text).All(w => !dataset.SeenWords.Contains(w))).ToList();
        Assert.True(unseenOnly.Count >= 0.4 * dataset.Test.Count, $"{unseenOnly.Count} of {dataset.Test.Count} test examples have only unseen words");

        // Label-only model: per-word label counts from the train set (a Naive Bayes vote). Unseen words carry no evidence.
        var trainVotes = new Dictionary<string, double>();
        foreach (var example in dataset.Train)
        {
            foreach (var word in example.Text.Split(' ')) trainVotes[word] = trainVotes.GetValueOrDefault(word) + (example.Label == "positive" ? 1 : -1);
        }
        Assert.All(unseenOnly.SelectMany(e => SentimentDatasetGenerator.PolarityWords(e.Text)), w => Assert.False(trainVotes.ContainsKey(w)));
        var labelOnlyCorrect = unseenOnly.Count(e => (e.Text.Split(' ').Sum(w => trainVotes.GetValueOrDefault(w)) > 0 ? "positive" : "negative") == e.Label);
        Assert.InRange(labelOnlyCorrect / (double)unseenOnly.Count, 0.35, 0.65);

        // Corpus-informed model: each word's polarity is the majority of the cue words it appeared beside.
        var votes = CueVotes(lexicon, SyntheticCorpusGenerator.Generate(13));
        int Predict(string text) =>
            SentimentDatasetGenerator.PolarityWords(text).Sum(w => votes[w][(int)SentimentClass.Positive] > votes[w][(int)SentimentClass.Negative] ? 1 : -1);
        var correct = dataset.Test.Count(e => (Predict(e.Text) > 0 ? "positive" : "negative") == e.Label);
        Assert.True(correct >= 0.97 * dataset.Test.Count, $"corpus-informed accuracy {correct}/{dataset.Test.Count}");
    }

    // For each hidden-polarity word: how often it shares a sentence with a cue word of each class.
    private static Dictionary<string, int[]> CueVotes(SyntheticLexicon lexicon, IEnumerable<IReadOnlyList<string>> documents)
    {
        var cueClass = new Dictionary<string, SentimentClass>();
        foreach (var c in Enum.GetValues<SentimentClass>())
        {
            foreach (var cue in SyntheticLexicon.Cues(c)) cueClass[cue] = c;
        }
        var votes = new Dictionary<string, int[]>();
        foreach (var sentence in documents.SelectMany(d => d))
        {
            var words = sentence.Split(' ');
            var cues = words.Where(cueClass.ContainsKey).Select(w => cueClass[w]).ToList();
            foreach (var word in words.Where(w => lexicon.PolarityOf(w) is not null))
            {
                if (!votes.TryGetValue(word, out var counts)) votes[word] = counts = new int[3];
                foreach (var cue in cues) counts[(int)cue]++;
            }
        }
        return votes;
    }
}
