// Workout of feature extraction on the tiny BERT fixture: schemas agree; batched, padded embeddings equal the
// model run one unpadded row at a time (mean pooling by hand); L2 normalisation; PredictionEngine, save/load and
// the IEmbeddingGenerator give the same vectors; wrong types and bad paths fail naming what was expected; Transform
// runs ceil(N / BatchSize) forward passes, none until the embedding column is read.
using LlmMlNet.ML.Embeddings;
using LlmMlNet.ML.Tests.Support;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;
using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Embeddings;

public class TransformerEmbeddingTests
{
    public class Row { public string Text = ""; }
    public class Embedded { public string Text = ""; public float[] Features = []; }
    public class Numeric { public float Text; }

    // Batched inference pads rows to the longest of the batch; masked keys get exactly zero weight, but GEMM sums in
    // other orders for other shapes, so batched and single-row results agree to float rounding, not bit for bit.
    private const float Tolerance = 1e-4f;

    private static readonly Row[] Rows = new[] { "the movie was great", "bad", "a long sentence about nothing much at all really", "ok then", "" }
        .Select(t => new Row { Text = t }).ToArray();

    private static float[] MeanPooledByHand(string text)
    {
        var tokenizer = Tokenizer.Load(TestModels.BertTiny);
        var parameters = TransformerParameters.FromPretrained(TestModels.BertTiny, new HashSet<KeyGroup> { KeyGroup.Encoder }, out _);
        var ids = tokenizer.EncodeToIds(text).ToArray();
        var model = new TransformerModel(parameters, 1, ids.Length);
        var hidden = model.Forward(new ModelBatch(1, ids.Length, ids, null, new int[ids.Length])).ToArray();
        int c = parameters.Config.HiddenSize;
        var mean = new float[c];
        for (int t = 0; t < ids.Length; t++)
            for (int j = 0; j < c; j++) mean[j] += hidden[t * c + j] / ids.Length;
        return mean;
    }

    [Fact]
    public async Task WorkoutSchemasBatchedValuesEngineRoundTripAndGenerator()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var estimator = ml.Transforms.Text.ExtractTransformerFeatures("Features", TestModels.BertTiny, "Text", batchSize: 3);
        var transformer = estimator.Fit(data);
        Workout.SchemasAgree(estimator, transformer, data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 64), transformer.GetOutputSchema(data.Schema)["Features"].Type);

        var rows = ml.Data.CreateEnumerable<Embedded>(transformer.Transform(data), reuseRowObject: false).ToArray();
        Assert.Equal(Rows.Select(r => r.Text), rows.Select(r => r.Text));
        for (int i = 0; i < Rows.Length; i++)
            AssertClose(MeanPooledByHand(Rows[i].Text), rows[i].Features);
        Assert.NotEqual(rows[0].Features, rows[1].Features);

        var engine = ml.Model.CreatePredictionEngine<Row, Embedded>(transformer);
        for (int i = 0; i < Rows.Length; i++) AssertClose(rows[i].Features, engine.Predict(Rows[i]).Features);

        var loaded = Workout.RoundTrip(ml, transformer, data);
        var again = ml.Data.CreateEnumerable<Embedded>(loaded.Transform(data), reuseRowObject: false).ToArray();
        Assert.Equal(rows.Select(r => r.Features), again.Select(r => r.Features));

        IEmbeddingGenerator<string, Embedding<float>> generator = transformer.AsEmbeddingGenerator();
        var generated = await generator.GenerateAsync(Rows.Select(r => r.Text));
        Assert.Equal(Rows.Length, generated.Count);
        for (int i = 0; i < Rows.Length; i++) AssertClose(rows[i].Features, generated[i].Vector.ToArray());
        Assert.Equal(64, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
    }

    [Fact]
    public async Task ClsPoolingWithNormalizationGivesUnitVectorsAndGeneratorLoadsFromFolder()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var options = new TransformerEmbeddingEstimator.Options
        {
            ModelPath = TestModels.BertTiny, InputColumnName = "Text", Pooling = EmbeddingPooling.Cls, NormalizeEmbeddings = true,
        };
        var transformer = ml.Transforms.Text.ExtractTransformerFeatures(options).Fit(data);
        var rows = ml.Data.CreateEnumerable<Embedded>(transformer.Transform(data), false).ToArray();
        Assert.All(rows, r => Assert.Equal(1.0, Math.Sqrt(r.Features.Sum(v => (double)v * v)), 4));

        using var generator = TransformerEmbeddingGenerator.FromPretrained(options);
        var vectors = await generator.GenerateAsync(Rows.Select(r => r.Text));
        for (int i = 0; i < Rows.Length; i++) AssertClose(rows[i].Features, vectors[i].Vector.ToArray());
        Assert.Equal("bert-tiny-random", vectors[0].ModelId);
    }

    [Fact]
    public void WrongColumnTypeFailsInEstimatorAndTransformerNamingString()
    {
        var ml = new MLContext(1);
        var numeric = ml.Data.LoadFromEnumerable(new[] { new Numeric { Text = 1 } });
        var estimator = ml.Transforms.Text.ExtractTransformerFeatures("Features", TestModels.BertTiny, "Text");
        const string expected = "Schema mismatch for input column 'Text': expected String, got Single";
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(numeric)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(
            () => estimator.GetOutputSchema(LlmMlNet.ML.Infrastructure.SchemaShapes.FromSchema(numeric.Schema))).Message);
        var transformer = estimator.Fit(ml.Data.LoadFromEnumerable(Rows));
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(numeric)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(numeric.Schema)).Message);
    }

    [Fact]
    public void TransformRunsOneForwardPassPerBatchLazily()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 7).Select(i => Rows[i % Rows.Length]).ToArray());
        var transformer = ml.Transforms.Text.ExtractTransformerFeatures("Features", TestModels.BertTiny, "Text", batchSize: 3).Fit(data);
        var view = transformer.Transform(data);
        Assert.Equal(7, view.GetColumn<ReadOnlyMemory<char>>("Text").Count());
        Assert.Equal(0, transformer.Batches);
        Assert.Equal(7, view.GetColumn<VBuffer<float>>("Features").Count());
        Assert.Equal(3, transformer.Batches); // ceil(7 / 3)
    }

    [Fact]
    public void BadModelPathsNameTheExpectedFile()
    {
        var ml = new MLContext(1);
        using var temp = new TempFolder();
        Assert.Contains("config.json", Assert.Throws<DirectoryNotFoundException>(
            () => ml.Transforms.Text.ExtractTransformerFeatures("F", temp.Sub("absent"), "Text")).Message);
        Assert.Contains("config.json", Assert.Throws<FileNotFoundException>(
            () => ml.Transforms.Text.ExtractTransformerFeatures("F", temp.Path, "Text")).Message);
        File.Copy(Path.Combine(TestModels.BertTiny, "config.json"), temp.Sub("config.json"));
        Assert.Contains("model.safetensors", Assert.Throws<FileNotFoundException>(
            () => ml.Transforms.Text.ExtractTransformerFeatures("F", temp.Path, "Text")).Message);
        File.WriteAllText(temp.Sub("tf_model.h5"), "TensorFlow weights");
        var other = Assert.Throws<FileNotFoundException>(() => ml.MulticlassClassification.Trainers.LlmTextClassification(temp.Path)).Message;
        Assert.Contains("no model.safetensors", other);
        Assert.Contains("holds tf_model.h5, which is not read", other);
        File.Delete(temp.Sub("tf_model.h5"));
        File.Copy(Path.Combine(TestModels.BertTiny, "model.safetensors"), temp.Sub("model.safetensors"));
        Assert.Contains("vocab.txt", Assert.Throws<FileNotFoundException>(
            () => ml.Transforms.Text.ExtractTransformerFeatures("F", temp.Path, "Text")).Message);
    }

    internal static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"[{i}] expected {expected[i]}, got {actual[i]} (tolerance {Tolerance})");
    }
}
