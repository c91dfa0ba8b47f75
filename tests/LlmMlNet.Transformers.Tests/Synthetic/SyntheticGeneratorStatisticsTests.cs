// Statistics of the synthetic generators: determinism by seed, exact class balance, full vocabulary
// coverage (no [UNK] word), valid QA spans, long contexts and the unanswerable share, and round trips
// of the suite's files through the readers.

using LlmMlNet.Transformers.Data;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Tests.Data;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Synthetic;

public sealed class SyntheticGeneratorStatisticsTests
{
    private static readonly SyntheticCorpusOptions SmallCorpus = new() { Documents = 300 };

    [Fact]
    public void SameSeedGivesSameDataAndAnotherSeedDiffers()
    {
        static string Digest(int seed) => string.Join("\n",
            SyntheticCorpusGenerator.Generate(seed, SmallCorpus).SelectMany(d => d)
                .Concat(SentimentDatasetGenerator.Generate(seed).Train.Select(e => e.Text))
                .Concat(QaDatasetGenerator.Generate(seed, new() { ContextCount = 20 }).Select(e => e.Question + e.Context)));
        Assert.Equal(Digest(5), Digest(5));
        Assert.NotEqual(Digest(5), Digest(6));
        Assert.Equal(new SyntheticLexicon(3).AllWords(), new SyntheticLexicon(3).AllWords());
        Assert.NotEqual(new SyntheticLexicon(3).PositiveWords, new SyntheticLexicon(4).PositiveWords);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void SentimentSplitsAreExactlyBalanced(int classCount)
    {
        var dataset = SentimentDatasetGenerator.Generate(1, new() { ClassCount = classCount, TrainCount = 300, ValidationCount = 60, TestCount = 300 });
        foreach (var split in new[] { dataset.Train, dataset.Validation, dataset.Test })
        {
            var counts = split.GroupBy(e => e.Label).Select(g => g.Count()).ToArray();
            Assert.Equal(classCount, counts.Length);
            Assert.True(counts.Max() - counts.Min() <= 1, $"class counts {string.Join(",", counts)}");
        }
        var pairs = SentimentDatasetGenerator.GeneratePairs(1);
        Assert.Equal(pairs.Train.Count / 2, pairs.Train.Count(e => e.Label == "same"));
        Assert.All(pairs.Test, e => Assert.NotNull(e.TextPair));
    }

    [Fact]
    public void LabelsAgreeWithTheHiddenPolarityOfTheirWords()
    {
        var lexicon = SyntheticLexicon.Default;
        var dataset = SentimentDatasetGenerator.Generate(2, new() { ClassCount = 3 });
        foreach (var example in dataset.Train.Concat(dataset.Test))
        {
            var words = SentimentDatasetGenerator.PolarityWords(example.Text).ToList();
            Assert.NotEmpty(words);
            Assert.All(words, w => Assert.Equal(example.Label, SentimentLabels.Name(lexicon.PolarityOf(w)!.Value)));
            Assert.DoesNotContain(example.Text.Split(' '), w => SyntheticLexicon.Cues(SentimentClass.Positive).Contains(w));
        }
        Assert.All(dataset.Train.Concat(dataset.Validation), e =>
            Assert.All(SentimentDatasetGenerator.PolarityWords(e.Text), w => Assert.Contains(w, dataset.SeenWords)));
    }

    [Fact]
    public void EveryGeneratedWordIsInTheVocabulary()
    {
        var vocabulary = WordPieceVocabularyBuilder.FromLexicon().ToHashSet();
        Assert.Equal(WordPieceVocabularyBuilder.SpecialTokens, WordPieceVocabularyBuilder.FromLexicon().Take(5));
        Assert.InRange(vocabulary.Count, 800, 3000);
        var sentiment = SentimentDatasetGenerator.Generate(3, new() { ClassCount = 3 });
        var pairs = SentimentDatasetGenerator.GeneratePairs(3);
        var texts = SyntheticCorpusGenerator.Generate(3, SmallCorpus).SelectMany(d => d)
            .Concat(sentiment.Train.Concat(sentiment.Test).Select(e => e.Text))
            .Concat(pairs.Test.Select(e => e.TextPair!))
            .Concat(QaDatasetGenerator.Generate(3, new() { ContextCount = 50, UnanswerableFraction = 0.3 }).SelectMany(e => new[] { e.Question, e.Context }));
        var missing = texts.SelectMany(WordPieceVocabularyBuilder.BasicTokenize).Where(w => !vocabulary.Contains(w)).Distinct().ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void QaAnswersAreExactSpansAndLongContextsNeedSeveralWindows()
    {
        var examples = QaDatasetGenerator.Generate(4, new() { ContextCount = 200, UnanswerableFraction = 0.25, LongContextFraction = 0.2 });
        Assert.Equal(600, examples.Count);
        Assert.Equal(examples.Count, examples.Select(e => e.Id).Distinct().Count());
        foreach (var example in examples)
        {
            Assert.Equal(example.IsImpossible, example.Answers.Count == 0);
            foreach (var answer in example.Answers) Assert.Equal(answer.Text, example.Context.Substring(answer.Start, answer.Text.Length));
        }
        Assert.InRange(examples.Count(e => e.IsImpossible) / (double)examples.Count, 0.18, 0.32);
        var contexts = examples.Select(e => e.Context).Distinct().ToList();
        var wordCounts = contexts.Select(c => WordPieceVocabularyBuilder.BasicTokenize(c).Count()).ToList();
        // Over 128 basic tokens means more than one window even at max length 128 (question and specials take more).
        Assert.InRange(wordCounts.Count(n => n > 128) / (double)contexts.Count, 0.1, 0.3);
        Assert.InRange(wordCounts.Min(), 15, 128);
        // Unanswerable questions ask about something the context does not state, yet look like answerable ones.
        Assert.All(examples.Where(e => e.IsImpossible), e => Assert.EndsWith("?", e.Question));
    }

    [Fact]
    public void SuiteFilesReadBackThroughTheReaders()
    {
        using var folder = new TempFolder();
        var options = new SyntheticSuiteOptions
        {
            Corpus = SmallCorpus,
            Sentiment = new() { TrainCount = 40, ValidationCount = 10, TestCount = 20 },
            QaTrain = new() { ContextCount = 10, UnanswerableFraction = 0.3, IdPrefix = "train" },
            QaDev = new() { ContextCount = 5, UnanswerableFraction = 0.3, IdPrefix = "dev" },
        };
        var files = SyntheticSuite.Write(folder.Path, options);
        Assert.Equal(300, new TextCorpusReader([files.Corpus]).ReadDocuments().Count());
        var train = TextClassificationReader.Read(files.Sentiment.Train).ToList();
        Assert.Equal(SentimentDatasetGenerator.Generate(1, options.Sentiment).Train, train.Select(e => e with { LineNumber = 0 }));
        Assert.Equal(["negative", "neutral", "positive"], LabelMap.FromExamples(TextClassificationReader.Read(files.Sentiment3.Test)).Labels);
        Assert.All(TextClassificationReader.Read(files.Pairs.Validation), e => Assert.NotNull(e.TextPair));
        Assert.Equal(30, SquadReader.Read(files.QaTrain).Count());
        Assert.Equal(15, SquadReader.Read(files.QaDev).Count());
        var vocab = File.ReadAllLines(files.Vocabulary);
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], vocab.Take(5));
        Assert.Equal(vocab.Length, vocab.Distinct().Count());
    }
}
