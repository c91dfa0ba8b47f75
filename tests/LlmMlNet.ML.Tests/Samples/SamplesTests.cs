// Runs the user-style samples in Samples/ on the tiny BERT fixture and checks what a user would see: metrics over
// the test data, a prediction among the labels, and the same prediction after PipelinePersistence save/load.
using LlmMlNet.ML.Tests.Support;
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
}
