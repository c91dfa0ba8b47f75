// Workout of the linear head trainer: learns separable features to full accuracy; schemas agree; Score is a
// softmax vector and PredictedLabel a key that MapKeyToValue turns back into the label; PredictionEngine and
// save/load match Transform; wrong feature types fail in estimator and transformer; the feature-extraction
// pipeline ExtractTransformerFeatures → LlmLinearHead runs and round-trips.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Classification;

public class LlmLinearHeadTests
{
    public class Point { [VectorType(3)] public float[] Features = []; public string Label = ""; }
    public class Scored { public float[] Score = []; public string PredictedLabel = ""; }
    public class Wrong { public float Features; public string Label = ""; }

    private static Point[] Points() => Enumerable.Range(0, 30).Select(i =>
    {
        int c = i % 3;
        return new Point { Features = [c == 0 ? 2f : -1f + i * 0.01f, c == 1 ? 2f : -1f, c == 2 ? 2f : -1f - i * 0.01f], Label = "abc"[c].ToString() };
    }).ToArray();

    [Fact]
    public void LearnsSeparableFeaturesWithWorkoutChecks()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Points());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var estimator = ml.MulticlassClassification.Trainers.LlmLinearHead();
        var head = estimator.Fit(keyed);
        Workout.SchemasAgree(estimator, head, keyed);
        var metrics = ml.MulticlassClassification.Evaluate(head.Transform(keyed));
        Assert.Equal(1.0, metrics.MicroAccuracy);

        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(estimator).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);
        var rows = ml.Data.CreateEnumerable<Scored>(model.Transform(data), false).ToArray();
        Assert.Equal(Points().Select(p => p.Label), rows.Select(r => r.PredictedLabel));
        var engine = ml.Model.CreatePredictionEngine<Point, Scored>(model);
        Assert.Equal(rows[4].Score, engine.Predict(Points()[4]).Score);
        var loaded = Workout.RoundTrip(ml, model, data);
        Assert.Equal(rows.Select(r => r.Score), ml.Data.CreateEnumerable<Scored>(loaded.Transform(data), false).Select(r => r.Score));

        var wrong = ml.Data.LoadFromEnumerable(new[] { new Wrong { Label = "a" }, new Wrong { Label = "b" } });
        var wrongKeyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(wrong).Transform(wrong);
        const string expected = "Schema mismatch for input column 'Features': expected known-size vector of Single, got Single";
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(wrongKeyed)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.FromSchema(wrongKeyed.Schema))).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => head.Transform(wrongKeyed)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => head.GetOutputSchema(wrongKeyed.Schema)).Message);
    }

    public class Review { public string Text = ""; public string Label = ""; }

    [Fact]
    public void FeatureExtractionPipelineTrainsHeadAndRoundTrips()
    {
        var ml = new MLContext(1);
        var reviews = new[] { "great movie", "awful film", "loved it", "hated it", "wonderful", "terrible" }
            .Select((t, i) => new Review { Text = t, Label = i % 2 == 0 ? "pos" : "neg" }).ToArray();
        var data = ml.Data.LoadFromEnumerable(reviews);
        var model = ml.Transforms.Text.ExtractTransformerFeatures("Features", TestModels.BertTiny, "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.LlmLinearHead(steps: 200))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        var rows = ml.Data.CreateEnumerable<Scored>(model.Transform(data), false).ToArray();
        Assert.Equal(reviews.Select(r => r.Label), rows.Select(r => r.PredictedLabel)); // six points in 64 dimensions: separable
        var loaded = Workout.RoundTrip(ml, model, data);
        Assert.Equal(rows.Select(r => r.Score), ml.Data.CreateEnumerable<Scored>(loaded.Transform(data), false).Select(r => r.Score));
    }
}
