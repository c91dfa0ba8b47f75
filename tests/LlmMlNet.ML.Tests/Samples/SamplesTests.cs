// Runs the user-style samples in Samples/ on the tiny BERT fixture and checks what a user would see: metrics over
// the test data, a prediction among the labels (answers from the context), and the same prediction after
// SaveWithLlm / LoadWithLlm; token ids equal the tokenizer's own.
using LlmMlNet.ML.Tests.Support;
using LlmMlNet.Tokenizers;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Samples;
using Xunit;

namespace LlmMlNet.ML.Tests.Samples;

public class SamplesTests
{
    [Fact]
    public void SentimentSampleRunsEndToEnd()
    {
        string[] positive = ["great movie", "loved it", "wonderful acting", "a joy to watch"];
        string[] negative = ["awful film", "hated it", "boring plot", "a waste of time"];
        var reviews = positive.Select(t => new Review { Sentence1 = t, Label = "positive" })
            .Concat(negative.Select(t => new Review { Sentence1 = t, Label = "negative" })).ToArray();
        using var temp = new TempFolder();
        var (metrics, prediction, reloaded) = SentimentSample.Run(TestModels.BertTiny, reviews, reviews, temp.Sub("sentiment.zip"));
        Assert.InRange(metrics.MicroAccuracy, 0, 1);
        Assert.Equal(2, metrics.ConfusionMatrix.NumberOfClasses);
        Assert.Contains(prediction.PredictedLabel, new[] { "positive", "negative" });
        Assert.Equal(1.0, prediction.Score.Sum(), 4);
        Assert.Equal(prediction.PredictedLabel, reloaded.PredictedLabel);
        Assert.Equal(prediction.Score, reloaded.Score);
    }

    [Fact]
    public void QaSampleRunsEndToEnd()
    {
        var rows = QaDatasetGenerator.Generate(3, new QaDatasetOptions { ContextCount = 4, QuestionsPerContext = 2 }).Where(e => e.Answers.Count > 0)
            .Select(e => new QaRow { Context = e.Context, Question = e.Question, TrainingAnswer = e.Answers[0].Text, AnswerIndex = e.Answers[0].Start }).ToArray();
        using var temp = new TempFolder();
        var (prediction, reloaded) = QaSample.Run(TestModels.BertTiny, rows, rows[0], temp.Sub("qa.zip"));
        Assert.InRange(prediction.Answer.Length, 1, 2);
        Assert.All(prediction.Answer, a => Assert.Contains(a, rows[0].Context));
        Assert.Equal(prediction.Answer, reloaded.Answer);
        Assert.Equal(prediction.Score, reloaded.Score);
    }

    [Fact]
    public void FeatureExtractionSampleRunsEndToEnd()
    {
        string[] positive = ["great movie", "loved it", "wonderful acting"];
        string[] negative = ["awful film", "hated it", "boring plot"];
        var reviews = positive.Select(t => new RatedReview { Text = t, Stars = 5, Label = "positive" })
            .Concat(negative.Select(t => new RatedReview { Text = t, Stars = 1, Label = "negative" })).ToArray();
        using var temp = new TempFolder();
        var (metrics, prediction, reloaded) = FeatureExtractionSample.Run(TestModels.BertTiny, reviews, reviews[0], temp.Sub("features.zip"));
        Assert.Equal(1.0, metrics.MicroAccuracy); // Stars alone separates the training rows
        Assert.Equal("positive", prediction.PredictedLabel);
        Assert.Equal(prediction.Score, reloaded.Score);
    }

    [Fact]
    public void TokenizationSampleMatchesTheTokenizer()
    {
        string[] texts = ["the movie was great", "bad"];
        var tokens = TokenizationSample.Run(TestModels.BertTiny, texts.Select(t => new Sentence { Text = t }));
        var tokenizer = Tokenizer.Load(TestModels.BertTiny);
        for (int i = 0; i < texts.Length; i++)
        {
            var ids = tokenizer.EncodeToIds(texts[i]).ToArray();
            Assert.Equal(32, tokens[i].InputIds.Length); // padded to maximumSequenceLength
            Assert.Equal(ids, tokens[i].InputIds.Take(ids.Length));
            Assert.Equal(Enumerable.Repeat(1, ids.Length).Concat(Enumerable.Repeat(0, 32 - ids.Length)), tokens[i].AttentionMask);
        }
    }
}
