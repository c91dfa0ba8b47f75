// Workout and end-to-end tests of the text-classification trainer: schemas agree; Score is a softmax vector with
// slot names and PredictedLabel a key with the label's values; PredictionEngine and save/load (full, LoRA merged,
// bottleneck adapters, feature extraction) match Transform; wrong types fail in both estimator and transformer naming
// Key<UInt32> / String; missing keys fail by row; the sentiment pipeline MapValueToKey → LlmTextClassification →
// MapKeyToValue learns synthetic sentiment from scratch and evaluates with MulticlassClassification.Evaluate.
// Label types and the validation set: LlmTextClassificationLabelTests.
using LlmMlNet.ML.Classification;
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Tests.Support;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Classification;

public class LlmTextClassificationTests
{
    public class Review { public string Sentence1 = ""; public string Label = ""; }
    public class Prediction { public float[] Score = []; public string PredictedLabel = ""; }
    public class Raw { public float[] Score = []; public uint PredictedLabel; }
    public class NumericText { public float Sentence1; public string Label = ""; }

    private static readonly Review[] Small =
    [
        new() { Sentence1 = "great movie", Label = "pos" }, new() { Sentence1 = "awful film", Label = "neg" },
        new() { Sentence1 = "really good", Label = "pos" }, new() { Sentence1 = "so bad", Label = "neg" },
        new() { Sentence1 = "fine i guess", Label = "meh" }, new() { Sentence1 = "loved it", Label = "pos" },
    ];

    private static LlmTextClassificationOptions Tiny(FineTuningMethod method) => new()
    {
        ModelPath = TestModels.BertTiny, Method = method, BatchSize = 4, MaxEpochs = 2, LearningRate = 1e-3f, MaxSequenceLength = 16,
    };

    [Theory]
    [InlineData(FineTuningMethod.Lora)]
    [InlineData(FineTuningMethod.Full)]
    [InlineData(FineTuningMethod.Adapter)]
    [InlineData(FineTuningMethod.FeatureExtraction)]
    public void WorkoutSchemasEngineAndRoundTrip(FineTuningMethod method)
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Small);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var estimator = ml.MulticlassClassification.Trainers.LlmTextClassification(Tiny(method));
        var transformer = estimator.Fit(keyed);
        Workout.SchemasAgree(estimator, transformer, keyed);
        var schema = transformer.GetOutputSchema(keyed.Schema);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), schema["Score"].Type);
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), schema["PredictedLabel"].Type);
        Assert.Equal(new[] { "pos", "neg", "meh" }, AnnotationHelpers.KeyValueTexts(schema["PredictedLabel"]));
        VBuffer<ReadOnlyMemory<char>> slots = default;
        schema["Score"].GetSlotNames(ref slots);
        Assert.Equal(new[] { "pos", "neg", "meh" }, slots.DenseValues().Select(s => s.ToString()));

        var rows = ml.Data.CreateEnumerable<Raw>(transformer.Transform(keyed), false).ToArray();
        Assert.All(rows, r => Assert.Equal(1.0, r.Score.Sum(), 4));
        Assert.All(rows, r => Assert.Equal((uint)Array.IndexOf(r.Score, r.Score.Max()) + 1, r.PredictedLabel));

        var engine = ml.Model.CreatePredictionEngine<Review, Raw>(transformer);
        for (int i = 0; i < Small.Length; i++)
        {
            var one = engine.Predict(Small[i]);
            Assert.Equal(rows[i].PredictedLabel, one.PredictedLabel);
            for (int j = 0; j < 3; j++) Assert.Equal(rows[i].Score[j], one.Score[j], 4); // batch of 1 vs padded batch: float rounding
        }

        var loaded = Workout.RoundTrip(ml, transformer, keyed);
        var again = ml.Data.CreateEnumerable<Raw>(loaded.Transform(keyed), false).ToArray();
        Assert.Equal(rows.Select(r => r.Score), again.Select(r => r.Score));
        Assert.Equal(rows.Select(r => r.PredictedLabel), again.Select(r => r.PredictedLabel));
    }

    [Fact]
    public void WrongTypesFailInEstimatorAndTransformerNamingTheExpectedType()
    {
        var ml = new MLContext(1);
        var raw = ml.Data.LoadFromEnumerable(Small);
        var estimator = ml.MulticlassClassification.Trainers.LlmTextClassification(Tiny(FineTuningMethod.Lora));
        var notKey = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(raw));
        Assert.Contains("Schema mismatch for label column 'Label': expected Key, got String", notKey.Message);
        Assert.Contains("expected Key", Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.FromSchema(raw.Schema))).Message);

        var numeric = ml.Data.LoadFromEnumerable(new[] { new NumericText { Label = "a" }, new NumericText { Label = "b" } });
        var numericKeyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(numeric).Transform(numeric);
        const string text = "Schema mismatch for input column 'Sentence1': expected String, got Single";
        Assert.Contains(text, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(numericKeyed)).Message);
        Assert.Contains(text, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.FromSchema(numericKeyed.Schema))).Message);

        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
        var transformer = estimator.Fit(keyed);
        Assert.Contains(text, Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(numericKeyed)).Message);
        Assert.Contains(text, Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(numericKeyed.Schema)).Message);

        Assert.Contains("ModelPath", Assert.Throws<ArgumentException>(
            () => ml.MulticlassClassification.Trainers.LlmTextClassification(new LlmTextClassificationOptions())).Message);
        Assert.Contains("config.json", Assert.Throws<DirectoryNotFoundException>(
            () => ml.MulticlassClassification.Trainers.LlmTextClassification("no/such/folder")).Message);
    }

    [Fact]
    public void MissingLabelKeyFailsNamingTheRow()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(Small);
        var withUnknown = ml.Data.LoadFromEnumerable(Small.Append(new Review { Sentence1 = "new", Label = "unseen" }).ToArray());
        var keyer = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var error = Assert.Throws<InvalidDataException>(
            () => ml.MulticlassClassification.Trainers.LlmTextClassification(Tiny(FineTuningMethod.Lora)).Fit(keyer.Transform(withUnknown)));
        Assert.Contains("Row 6", error.Message);
    }

    public class Sentiment { public string Sentence1 = ""; public string Label = ""; }

    [Fact]
    public void SentimentPipelineFromScratchLearnsAndEvaluates()
    {
        var dataset = SentimentDatasetGenerator.Generate(5, new SentimentDatasetOptions { TrainCount = 160, ValidationCount = 60, TestCount = 10 });
        Sentiment[] Rows(IEnumerable<LlmMlNet.Transformers.Data.TextClassificationExample> examples) =>
            examples.Select(e => new Sentiment { Sentence1 = e.Text, Label = e.Label! }).ToArray();
        using var temp = new TempFolder();
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Rows(dataset.Train));
        var test = ml.Data.LoadFromEnumerable(Rows(dataset.Validation));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LlmTextClassification(new LlmTextClassificationOptions
            {
                Preset = "tiny", TokenizerPath = TestModels.SyntheticTokenizer(temp.Sub("tok")), Method = FineTuningMethod.Full,
                LearningRate = 2e-3f, MaxEpochs = 10, BatchSize = 8, MaxSequenceLength = 24, Seed = 1,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Assert.True(metrics.MicroAccuracy > 0.8, $"micro accuracy {metrics.MicroAccuracy:F3} on seen-word validation data");
        Assert.True(metrics.LogLoss < Math.Log(2), $"log-loss {metrics.LogLoss:F3} is no better than chance");

        var engine = ml.Model.CreatePredictionEngine<Sentiment, Prediction>(model);
        var first = Rows(dataset.Validation)[0];
        var predicted = engine.Predict(first);
        Assert.Contains(predicted.PredictedLabel, new[] { "negative", "positive" });

        var loaded = Workout.RoundTrip(ml, model, train);
        var before = ml.Data.CreateEnumerable<Prediction>(model.Transform(test), false).Select(p => p.PredictedLabel).ToArray();
        var after = ml.Data.CreateEnumerable<Prediction>(loaded.Transform(test), false).Select(p => p.PredictedLabel).ToArray();
        Assert.Equal(before, after);
    }

    public class Pair { public string Sentence1 = ""; public string Sentence2 = ""; public string Label = ""; }

    [Theory]
    [InlineData(LlmMlNet.ML.Embeddings.EmbeddingPooling.Mean)]
    [InlineData(LlmMlNet.ML.Embeddings.EmbeddingPooling.Pooler)]
    public void FeatureExtractionWithPairsAndOtherPoolingsRoundTrips(LlmMlNet.ML.Embeddings.EmbeddingPooling pooling)
    {
        var ml = new MLContext(1);
        var pairs = Small.Select((r, i) => new Pair { Sentence1 = r.Sentence1, Sentence2 = Small[(i + 1) % Small.Length].Sentence1, Label = r.Label }).ToArray();
        var data = ml.Data.LoadFromEnumerable(pairs);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var options = Tiny(FineTuningMethod.FeatureExtraction);
        (options.Sentence2ColumnName, options.FeatureExtractionPooling) = ("Sentence2", pooling);
        var transformer = ml.MulticlassClassification.Trainers.LlmTextClassification(options).Fit(keyed);
        var rows = ml.Data.CreateEnumerable<Raw>(transformer.Transform(keyed), false).ToArray();
        Assert.True(rows.Select(r => r.Score[0]).Distinct().Count() > 1, "the second sentence or the pooling is ignored: every row scores alike");
        var again = ml.Data.CreateEnumerable<Raw>(Workout.RoundTrip(ml, transformer, keyed).Transform(keyed), false).ToArray();
        Assert.Equal(rows.Select(r => r.Score), again.Select(r => r.Score));
    }
}
