// A user's feature-extraction program against the real Microsoft.ML API: our embeddings feed ML.NET's own
// Concatenate (with a numeric column) and a trainer-shaped consumer (our LlmLinearHead), between MapValueToKey and
// MapKeyToValue, then Evaluate, a PredictionEngine and SaveWithLlm / LoadWithLlm. Public API only; run by SamplesTests.
using LlmMlNet.ML;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.Samples;

/// <summary>A review with a star rating.</summary>
public class RatedReview
{
    /// <summary>The text.</summary>
    public string Text { get; set; } = "";

    /// <summary>Stars given (a plain numeric feature).</summary>
    public float Stars { get; set; }

    /// <summary>"positive" or "negative".</summary>
    public string Label { get; set; } = "";
}

/// <summary>The feature-extraction sample.</summary>
public static class FeatureExtractionSample
{
    /// <summary>Embeds, concatenates with Stars, trains the linear head, evaluates, predicts one review before and after save/load.</summary>
    public static (MulticlassClassificationMetrics Metrics, ReviewPrediction Prediction, ReviewPrediction Reloaded) Run(
        string modelFolder, IEnumerable<RatedReview> reviews, RatedReview review, string savePath)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(reviews);
        var pipeline = ml.Transforms.Text.ExtractTransformerFeatures("Embedding", modelFolder, "Text")
            .Append(ml.Transforms.Concatenate("Features", "Embedding", "Stars"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.LlmLinearHead())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
        var prediction = ml.Model.CreatePredictionEngine<RatedReview, ReviewPrediction>(model).Predict(review);

        ml.Model.SaveWithLlm(model, data.Schema, savePath);
        var loaded = ml.Model.LoadWithLlm(savePath, out var inputSchema);
        var reloaded = ml.Model.CreatePredictionEngine<RatedReview, ReviewPrediction>(loaded, inputSchema).Predict(review);
        return (metrics, prediction, reloaded);
    }
}
