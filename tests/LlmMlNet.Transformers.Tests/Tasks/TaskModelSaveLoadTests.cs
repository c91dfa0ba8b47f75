// Saving and loading task models: a TextClassifier of every method (full, LoRA unmerged beside its base,
// bottleneck adapters, feature extraction with its head) and a QuestionAnswering model loaded back from
// its folder give exactly the probabilities and answers of the model in memory; a folder without a trained
// head, or of another task, is refused with a clear error.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Tasks;

public sealed class TaskModelSaveLoadTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-task-save-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Theory]
    [InlineData(FineTuningMethod.Full)]
    [InlineData(FineTuningMethod.Lora)]
    [InlineData(FineTuningMethod.Adapter)]
    [InlineData(FineTuningMethod.FeatureExtraction)]
    public void ClassifierLoadsBackToTheSamePredictions(FineTuningMethod method)
    {
        var data = SentimentDatasetGenerator.Generate(3, new SentimentDatasetOptions { TrainCount = 32, ValidationCount = 12, TestCount = 4 });
        var tokenizer = TaskTestKit.Tokenizer(data.Train.Select(e => e.Text));
        var options = TaskTestKit.Options(method, 5e-3f, 1, batch: 8) with { FeatureHead = new SoftmaxRegressionOptions { Steps = 20 } };
        var trained = TextClassifier.Train(ModelSource.FromScratch(TaskTestKit.TinyBert(tokenizer, initializerRange: 0.2), seed: 1), tokenizer, data.Train, options);
        var folder = Path.Combine(_temp, method.ToString());
        trained.Save(folder, "tiny");
        Assert.Equal(method == FineTuningMethod.Lora, File.Exists(Path.Combine(folder, "adapter", PeftLoraFormat.ConfigFileName)));
        Assert.Equal(method == FineTuningMethod.Adapter, File.Exists(Path.Combine(folder, "adapter", BottleneckAdapterFormat.ConfigFileName)));
        Assert.Equal(method == FineTuningMethod.FeatureExtraction, File.Exists(Path.Combine(folder, TaskModelManifest.FeatureHeadFile)));

        var loaded = TextClassifier.Load(folder, batchSize: 8);
        Assert.Equal(trained.Labels.Labels, loaded.Labels.Labels);
        Assert.Equal(method, loaded.Options.Method);
        var inputs = data.Validation.Select(e => (e.Text, (string?)null)).ToList();
        var expected = trained.PredictProbabilities(inputs);
        var actual = loaded.PredictProbabilities(inputs);
        for (int i = 0; i < inputs.Count; i++) Assert.Equal(expected[i], actual[i]);
        Assert.Equal(trained.Evaluate(data.Validation).LogLoss, loaded.Evaluate(data.Validation).LogLoss);
    }

    [Theory]
    [InlineData(FineTuningMethod.Full)]
    [InlineData(FineTuningMethod.Lora)]
    [InlineData(FineTuningMethod.Adapter)]
    public void QuestionAnsweringLoadsBackToTheSameAnswers(FineTuningMethod method)
    {
        var train = QaDatasetGenerator.Generate(1, new QaDatasetOptions { ContextCount = 6, QuestionsPerContext = 2 });
        var test = QaDatasetGenerator.Generate(2, new QaDatasetOptions { ContextCount = 4, QuestionsPerContext = 2, IdPrefix = "t" });
        var tokenizer = TaskTestKit.Tokenizer(train.Concat(test).SelectMany(e => new[] { e.Question, e.Context }));
        var options = TaskTestKit.Options(method, 5e-3f, 1, batch: 4) with { MaxLength = 64 };
        var trained = QuestionAnswering.Train(ModelSource.FromScratch(TaskTestKit.TinyBert(tokenizer), seed: 1), tokenizer, train, options, stride: 16);
        var folder = Path.Combine(_temp, "qa-" + method);
        trained.Save(folder);
        var loaded = QuestionAnswering.Load(folder, batchSize: 4);
        var expected = trained.Predict(test);
        var actual = loaded.Predict(test);
        Assert.Equal(expected.Select(p => (p.ExampleId, p.Text, p.Start, p.Score)), actual.Select(p => (p.ExampleId, p.Text, p.Start, p.Score)));
        Assert.Equal(trained.Evaluate(test).F1, loaded.Evaluate(test).F1);
        // A QA folder is not a classifier, and a base model without a trained head is not a task model.
        Assert.Contains("not a text classifier", Assert.Throws<InvalidDataException>(() => TextClassifier.Load(folder)).Message);
    }

    [Fact]
    public void AFolderWithoutATrainedHeadIsRefused()
    {
        var tokenizer = Tokenizer.CreateWordPiece(WordPieceVocabularyBuilder.FromLexicon());
        var folder = Path.Combine(_temp, "mlm");
        Pretraining.Save(Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 1), tokenizer, folder);
        var error = Assert.Throws<InvalidDataException>(() => TextClassifier.Load(folder));
        Assert.Contains("classifier", error.Message);
    }
}
