// The text classifier's label handling, validation set and batching: string, integer and Boolean labels (binary and
// multiclass) come back from MapKeyToValue("PredictedLabel") in their own type, through Transform, PredictionEngine
// and a save/load round trip, in the estimator's schema as in the transformer's (the linear head too), and a key
// label without KeyValues gets the key numbers as text; the
// validation set is evaluated, stops training early and the best evaluated model is the one fitted; Transform over
// N rows runs ceil(N / BatchSize) forward passes and none until a computed column is read.
using LlmMlNet.ML.Classification;
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Tests.Support;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Classification;

public class LlmTextClassificationLabelTests
{
    public class Row<T> { public string Sentence1 = ""; public T Label = default!; }
    public class Predicted<T> { public T PredictedLabel = default!; public float[] Score = []; }

    private static readonly string[] Texts = ["great movie", "awful film", "really good", "so bad", "fine i guess", "loved it", "hated it", "meh"];

    private static LlmTextClassificationOptions Tiny(FineTuningMethod method) => new()
    {
        ModelPath = TestModels.BertTiny, Method = method, BatchSize = 4, MaxEpochs = 2, LearningRate = 1e-3f, MaxSequenceLength = 16,
    };

    public static TheoryData<string> LabelKinds => new() { "string binary", "int multiclass", "bool binary", "uint multiclass" };

    [Theory]
    [MemberData(nameof(LabelKinds))]
    public void PredictedLabelKeepsTheLabelTypeThroughMapKeyToValueEngineAndRoundTrip(string kind)
    {
        switch (kind)
        {
            case "string binary": Check(i => i % 2 == 0 ? "pos" : "neg", TextDataViewType.Instance); break;
            case "int multiclass": Check(i => 10 * (i % 3) - 7, NumberDataViewType.Int32); break;
            case "bool binary": Check(i => i % 2 == 0, BooleanDataViewType.Instance); break;
            default: Check(i => (uint)(i % 3) + 100u, NumberDataViewType.UInt32); break;
        }
    }

    private static void Check<T>(Func<int, T> label, PrimitiveDataViewType type) where T : notnull
    {
        var ml = new MLContext(1);
        var rows = Texts.Select((t, i) => new Row<T> { Sentence1 = t, Label = label(i) }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LlmTextClassification(Tiny(FineTuningMethod.FeatureExtraction)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);

        var shape = pipeline.GetOutputSchema(SchemaShapes.FromSchema(data.Schema));
        Assert.True(SchemaShapes.TryFindColumn(shape, "PredictedLabel", out var predictedShape));
        Assert.Equal(type, predictedShape.ItemType);
        Assert.False(predictedShape.IsKey);
        var output = model.Transform(data);
        Assert.Equal(type, output.Schema["PredictedLabel"].Type);

        // Before MapKeyToValue: a Key with KeyValues of the label's type, in the estimator's shape as in the transformer's schema.
        var keyed = model.First().Transform(data);
        var classifier = (LlmTextClassificationTransformer)model.ElementAt(1);
        var keyValues = classifier.GetOutputSchema(keyed.Schema)["PredictedLabel"].Annotations.Schema["KeyValues"];
        Assert.Equal(type, ((VectorDataViewType)keyValues.Type).ItemType);
        var classifierShape = ml.MulticlassClassification.Trainers.LlmTextClassification(Tiny(FineTuningMethod.FeatureExtraction))
            .GetOutputSchema(SchemaShapes.FromSchema(keyed.Schema));
        Assert.True(SchemaShapes.TryFindColumn(classifierShape, "PredictedLabel", out var keyShape));
        Assert.Equal(type, keyShape.Annotations.Single(a => a.Name == "KeyValues").ItemType);

        var distinct = rows.Select(r => r.Label).Distinct().ToArray();
        var predicted = ml.Data.CreateEnumerable<Predicted<T>>(output, false).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(distinct[Array.IndexOf(predicted[i].Score, predicted[i].Score.Max())], predicted[i].PredictedLabel); // keys by occurrence
        }
        var engine = ml.Model.CreatePredictionEngine<Row<T>, Predicted<T>>(model);
        Assert.Equal(predicted.Select(p => p.PredictedLabel), rows.Select(r => engine.Predict(r).PredictedLabel));

        var loaded = Workout.RoundTrip(ml, model, data);
        Assert.Equal(type, loaded.Transform(data).Schema["PredictedLabel"].Type);
        Assert.Equal(predicted.Select(p => p.PredictedLabel), ml.Data.CreateEnumerable<Predicted<T>>(loaded.Transform(data), false).Select(p => p.PredictedLabel));
        var loadedEngine = ml.Model.CreatePredictionEngine<Row<T>, Predicted<T>>(loaded);
        Assert.Equal(predicted.Select(p => p.PredictedLabel), rows.Select(r => loadedEngine.Predict(r).PredictedLabel));
        Assert.Equal(distinct.Length, ml.MulticlassClassification.Evaluate(model.Transform(data)).ConfusionMatrix.NumberOfClasses);
    }

    public class KeyOnly { public string Sentence1 = ""; [KeyType(3)] public uint Label; }

    [Fact]
    public void LabelWithoutKeyValuesGetsTheKeyNumbersAsText()
    {
        var ml = new MLContext(1);
        // Microsoft.ML maps a [KeyType] field of a C# class 0-based: 0, 1, 2 here are the keys 1, 2, 3.
        var data = ml.Data.LoadFromEnumerable(Texts.Select((t, i) => new KeyOnly { Sentence1 = t, Label = (uint)(i % 3) }).ToArray());
        var estimator = ml.MulticlassClassification.Trainers.LlmTextClassification(Tiny(FineTuningMethod.FeatureExtraction));
        var transformer = estimator.Fit(data);
        Workout.SchemasAgree(estimator, transformer, data);
        Assert.Equal(new[] { "1", "2", "3" }, transformer.Classes);
        VBuffer<ReadOnlyMemory<char>> values = default;
        transformer.GetOutputSchema(data.Schema)["PredictedLabel"].GetKeyValues(ref values);
        Assert.Equal(new[] { "1", "2", "3" }, values.DenseValues().Select(v => v.ToString()));
    }

    public class Point { [VectorType(2)] public float[] Features = []; public int Label; }
    public class PointPrediction { public int PredictedLabel; }

    [Fact]
    public void LinearHeadKeepsIntegerLabels()
    {
        var ml = new MLContext(1);
        var points = Enumerable.Range(0, 12).Select(i => new Point { Features = [i % 3 == 0 ? 3f : -1f, i % 3 == 1 ? 3f : -1f], Label = 5 * (i % 3) }).ToArray();
        var data = ml.Data.LoadFromEnumerable(points);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.LlmLinearHead())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        Assert.True(SchemaShapes.TryFindColumn(pipeline.GetOutputSchema(SchemaShapes.FromSchema(data.Schema)), "PredictedLabel", out var shape));
        Assert.Equal(NumberDataViewType.Int32, shape.ItemType);
        var model = Workout.RoundTrip(ml, pipeline.Fit(data), data);
        var engine = ml.Model.CreatePredictionEngine<Point, PointPrediction>(model);
        Assert.Equal(points.Select(p => p.Label), points.Select(p => engine.Predict(p).PredictedLabel));
    }

    public class Review { public string Sentence1 = ""; public string Label = ""; }

    [Fact]
    public void ValidationSetIsEvaluatedStopsEarlyAndTheBestModelIsKept()
    {
        var ml = new MLContext(1);
        var train = Texts.Select((t, i) => new Review { Sentence1 = t, Label = i % 2 == 0 ? "pos" : "neg" }).ToArray();
        // The same texts with the opposite labels: the better the model fits the training data, the worse its validation loss.
        var flipped = train.Select(r => new Review { Sentence1 = r.Sentence1, Label = r.Label == "pos" ? "neg" : "pos" }).ToArray();
        var keyer = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(train));
        var trainData = keyer.Transform(ml.Data.LoadFromEnumerable(train));
        var validation = keyer.Transform(ml.Data.LoadFromEnumerable(flipped));
        var options = Tiny(FineTuningMethod.Full);
        (options.MaxEpochs, options.ValidationSet, options.EvaluateEverySteps, options.EarlyStoppingPatience) = (20, validation, 1, 2);

        var model = ml.MulticlassClassification.Trainers.LlmTextClassification(options).Fit(trainData);
        var result = model.TrainingResult!;
        var evaluations = result.History.Where(h => h.Evaluation != null).ToList();
        Assert.Equal(result.GlobalStep, evaluations.Count);
        Assert.All(evaluations, h => Assert.InRange(h.Evaluation!["accuracy"], 0, 1));
        Assert.True(result.StoppedEarly, $"no early stop after {result.GlobalStep} of {result.TotalSteps} steps");
        Assert.True(result.GlobalStep < result.TotalSteps);
        Assert.True(result.BestStep < result.GlobalStep);
        double best = result.BestMetric!.Value, last = evaluations[^1].Evaluation!["eval_loss"];
        Assert.True(last > best, $"last eval_loss {last} is not worse than the best {best}");

        // The fitted model is the best evaluated one: its log-loss on the validation set is the best eval_loss, not the last.
        double logLoss = ml.MulticlassClassification.Evaluate(model.Transform(validation)).LogLoss;
        Assert.Equal(best, logLoss, 3);
    }

    [Fact]
    public void TransformRunsOneForwardPassPerBatchAndOnlyWhenComputedColumnsAreRead()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 10).Select(i => new Review { Sentence1 = Texts[i % Texts.Length], Label = i % 2 == 0 ? "pos" : "neg" }).ToArray();
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var options = Tiny(FineTuningMethod.Lora);
        options.MaxSteps = 1;
        var transformer = ml.MulticlassClassification.Trainers.LlmTextClassification(options).Fit(data);
        int before = transformer.Batches;

        var view = transformer.Transform(data);
        Assert.Equal(10, view.GetColumn<ReadOnlyMemory<char>>("Sentence1").Count());
        Assert.Equal(before, transformer.Batches);

        var cursor = view.GetRowCursor(view.Schema.Where(c => c.Name == "PredictedLabel"));
        var getter = cursor.GetGetter<uint>(view.Schema["PredictedLabel"]);
        uint key = 0;
        Assert.True(cursor.MoveNext());
        getter(ref key);
        Assert.Equal(before + 1, transformer.Batches); // the first batch of 4 only: the cursor is lazy
        while (cursor.MoveNext()) getter(ref key);
        cursor.Dispose();
        Assert.Equal(before + 3, transformer.Batches); // ceil(10 / 4)
    }
}
