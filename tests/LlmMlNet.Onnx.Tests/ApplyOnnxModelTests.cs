// The ML.NET deployment path: a pipeline fitted here (MapValueToKey → LlmTextClassification, each fine-tuning method)
// is exported with mlContext.Model.ExportToOnnx, and a second pipeline of only our tokenizer (Int64 columns named
// input_ids, attention_mask, token_type_ids) and ML.NET's own ApplyOnnxModel reproduces the fitted pipeline's Score.
using LlmMlNet.ML;
using LlmMlNet.ML.Onnx;
using LlmMlNet.Onnx.Runtime;
using LlmMlNet.ML.Text;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.Onnx.Tests;

public sealed class ApplyOnnxModelTests : IDisposable
{
    public sealed class Review { public string Sentence1 = ""; public string Label = ""; }
    public sealed class Scored { public float[] Score = []; }
    public sealed class OnnxScored
    {
        [ColumnName("probabilities")] public float[] Probabilities = [];
        [ColumnName("logits")] public float[] Logits = [];
    }

    private static readonly Review[] Reviews =
    [
        new() { Sentence1 = "great movie", Label = "pos" }, new() { Sentence1 = "awful film", Label = "neg" },
        new() { Sentence1 = "really good", Label = "pos" }, new() { Sentence1 = "so bad", Label = "neg" },
        new() { Sentence1 = "fine i guess", Label = "meh" }, new() { Sentence1 = "loved it, a great and moving story", Label = "pos" },
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("onnx-mlnet").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(FineTuningMethod.Full)]
    [InlineData(FineTuningMethod.Lora)]
    [InlineData(FineTuningMethod.Adapter)]
    [InlineData(FineTuningMethod.FeatureExtraction)]
    public void Tokenizer_plus_ApplyOnnxModel_reproduces_the_fitted_pipelines_scores(FineTuningMethod method)
    {
        const int length = 16;
        var bert = TestSupport.RepoPaths.Fixture("parity", "bert-tiny-random");
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews);
        var fitted = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LlmTextClassification(new ML.Classification.LlmTextClassificationOptions
            {
                ModelPath = bert, Method = method, BatchSize = 4, MaxEpochs = 2, LearningRate = 1e-3f, MaxSequenceLength = length,
            }))
            .Fit(data);
        var expected = ml.Data.CreateEnumerable<Scored>(fitted.Transform(data), false).Select(r => r.Score).ToArray();

        var path = Path.Combine(_dir, "classifier.onnx");
        var export = ml.Model.ExportToOnnx(fitted, path);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], export.Inputs);
        Assert.Equal("[\"pos\",\"neg\",\"meh\"]", export.Metadata["labels"]);

        string[] inputs = ["input_ids", "attention_mask", "token_type_ids"];
        var deployment = ml.Transforms.Text.TokenizeForTransformer(new TransformerTokenizingEstimator.Options
            {
                TokenizerPath = bert, InputColumnName = "Sentence1", OutputColumnName = "input_ids", AttentionMaskColumnName = "attention_mask",
                TokenTypeIdsColumnName = "token_type_ids", MaximumSequenceLength = length, OutputType = TokenColumnType.Int64,
            })
            .Append(ml.Transforms.ApplyOnnxModel(["probabilities", "logits"], inputs, path,
                inputs.ToDictionary(n => n, _ => new[] { 1, length }), gpuDeviceId: null, fallbackToCpu: false));
        var actual = ml.Data.CreateEnumerable<OnnxScored>(deployment.Fit(data).Transform(data), false).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(3, actual[i].Logits.Length);
            for (var j = 0; j < 3; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i].Probabilities[j]) <= 1e-4, $"row {i} class {j}: {expected[i][j]} vs {actual[i].Probabilities[j]}");
        }
    }

    [Fact]
    public void Pipeline_predicts_on_onnx_runtime_by_option_and_by_switch()
    {
        var bert = TestSupport.RepoPaths.Fixture("parity", "bert-tiny-random");
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews);
        var trainer = ml.MulticlassClassification.Trainers.LlmTextClassification(new ML.Classification.LlmTextClassificationOptions
        {
            ModelPath = bert, Method = FineTuningMethod.Lora, BatchSize = 4, MaxEpochs = 1, LearningRate = 1e-3f, MaxSequenceLength = 16,
            InferenceEngine = LlmInferenceEngine.OnnxRuntime,
        });
        var fitted = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(data);
        Assert.IsType<OnnxRuntimeEngine>(fitted.LastTransformer.Classifier.InferenceEngine);
        float[][] Scores() => ml.Data.CreateEnumerable<Scored>(fitted.Transform(data), false).Select(r => r.Score).ToArray();
        var onnx = Scores();
        Assert.Equal(1, ml.Model.UseInferenceEngine(fitted, LlmInferenceEngine.Ours));
        Assert.Null(fitted.LastTransformer.Classifier.InferenceEngine);
        var ours = Scores();
        for (var i = 0; i < ours.Length; i++)
            for (var j = 0; j < 3; j++) Assert.True(Math.Abs(ours[i][j] - onnx[i][j]) <= 1e-4, $"row {i} class {j}");
    }
}
