// A user's program, exactly as it would be written against the real Microsoft.ML package: public ML.NET API
// (MLContext, catalogs, Append, Evaluate, PredictionEngine) plus LlmMlNet's public surface, nothing internal and
// no test helpers. It is compiled into the test project and run by SamplesTests, so it cannot rot.
using LlmMlNet.ML;
using LlmMlNet.ML.Classification;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.Samples;

/// <summary>A labeled review, as a user would declare it.</summary>
public class Review
{
    /// <summary>The text.</summary>
    public string Sentence1 { get; set; } = "";

    /// <summary>"positive" or "negative".</summary>
    public string Label { get; set; } = "";
}

/// <summary>What the user reads back.</summary>
public class ReviewPrediction
{
    /// <summary>The predicted label text.</summary>
    public string PredictedLabel { get; set; } = "";

    /// <summary>Class probabilities.</summary>
    public float[] Score { get; set; } = [];
}

/// <summary>The sentiment sample of issue 6.</summary>
public static class SentimentSample
{
    /// <summary>Fine-tunes with LoRA, evaluates, predicts one review, saves and reloads the pipeline.</summary>
    public static (MulticlassClassificationMetrics Metrics, ReviewPrediction Prediction, ReviewPrediction Reloaded) Run(
        string modelFolder, IEnumerable<Review> reviews, IEnumerable<Review> testReviews, string savePath)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(reviews);
        var testData = ml.Data.LoadFromEnumerable(testReviews);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LlmTextClassification(
                new LlmTextClassificationOptions { ModelPath = modelFolder, Method = FineTuningMethod.Lora, MaxEpochs = 1, BatchSize = 8 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testData));
        var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
        var prediction = engine.Predict(new Review { Sentence1 = "what a wonderful film" });

        ml.Model.SaveWithLlm(model, data.Schema, savePath);
        var loaded = ml.Model.LoadWithLlm(savePath, out var inputSchema);
        var reloaded = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded, inputSchema).Predict(new Review { Sentence1 = "what a wonderful film" });
        return (metrics, prediction, reloaded);
    }
}
