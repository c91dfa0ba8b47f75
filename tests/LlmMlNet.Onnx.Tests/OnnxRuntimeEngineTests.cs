// ONNX Runtime as a task's inference engine: a TextClassifier (every fine-tuning method) and a QuestionAnswering model
// predict the same probabilities and answers with InferenceEngine = OnnxRuntimeEngine as with our engine, switching
// back and forth; the model reaches ONNX Runtime in memory.
using LlmMlNet.Onnx.Runtime;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;
using Xunit;

namespace LlmMlNet.Onnx.Tests;

public sealed class OnnxRuntimeEngineTests
{
    private static string Bert => TestSupport.RepoPaths.Fixture("parity", "bert-tiny-random");

    private static TaskModelOptions Tiny(FineTuningMethod method) => new()
    {
        Method = method, MaxLength = 16, Trainer = new TrainerOptions { BatchSize = 4, MaxSteps = 2, LearningRate = 1e-3f },
    };

    [Theory]
    [InlineData(FineTuningMethod.Full)]
    [InlineData(FineTuningMethod.Lora)]
    [InlineData(FineTuningMethod.Adapter)]
    [InlineData(FineTuningMethod.FeatureExtraction)]
    public void Classifier_predicts_the_same_on_onnx_runtime(FineTuningMethod method)
    {
        TextClassificationExample[] train =
        [
            new("great movie", null, "pos"), new("awful film", null, "neg"), new("really good", null, "pos"), new("so bad", null, "neg"),
            new("fine i guess", null, "meh"), new("loved it", null, "pos"),
        ];
        var classifier = TextClassifier.Train(ModelSource.FromCheckpoint(Bert), Tokenizer.Load(Bert), train, Tiny(method));
        (string, string?)[] inputs = [("great movie", null), ("a long and rather awful film, really", null), ("so", null)];
        var ours = classifier.PredictProbabilities(inputs);
        classifier.InferenceEngine = new OnnxRuntimeEngine(intraOpThreads: 1);
        var onnx = classifier.PredictProbabilities(inputs);
        classifier.InferenceEngine = null;
        var again = classifier.PredictProbabilities(inputs);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(ours[i], again[i]);
            for (var j = 0; j < ours[i].Length; j++) Assert.True(Math.Abs(ours[i][j] - onnx[i][j]) <= 1e-4, $"{method} row {i} class {j}");
        }
    }

    [Fact]
    public void Question_answering_answers_the_same_on_onnx_runtime()
    {
        QaExample[] train =
        [
            new("1", "who wrote it?", "the book was written by alice in paris.", [new QaAnswer("alice", 24)]),
            new("2", "where was it written?", "the book was written by alice in paris.", [new QaAnswer("paris", 33)]),
        ];
        var qa = QuestionAnswering.Train(ModelSource.FromCheckpoint(Bert), Tokenizer.Load(Bert), train, Tiny(FineTuningMethod.Lora) with { MaxLength = 48 });
        var ours = qa.Predict(train);
        qa.InferenceEngine = new OnnxRuntimeEngine(intraOpThreads: 1);
        var onnx = qa.Predict(train);
        Assert.Equal(ours.Select(p => (p.Text, p.Start)), onnx.Select(p => (p.Text, p.Start)));
        for (var i = 0; i < ours.Count; i++) Assert.Equal(ours[i].Score, onnx[i].Score, 3);
    }

    [Theory]
    [InlineData(Transformers.Heads.PoolingMode.Mean, true)]
    [InlineData(Transformers.Heads.PoolingMode.Pooler, false)]
    public void Embedder_embeds_the_same_on_onnx_runtime(Transformers.Heads.PoolingMode pooling, bool normalize)
    {
        var embedder = TextEmbedder.Load(Bert, pooling: pooling, normalize: normalize);
        string[] texts = ["great movie", "a long and rather awful film, really", "so"];
        var ours = embedder.Embed(texts);
        embedder.InferenceEngine = new OnnxRuntimeEngine(intraOpThreads: 1);
        var onnx = embedder.Embed(texts);
        for (var i = 0; i < texts.Length; i++)
            for (var j = 0; j < ours[i].Length; j++) Assert.True(Math.Abs(ours[i][j] - onnx[i][j]) <= 1e-4, $"{pooling} text {i} dim {j}");
    }
}
