// One saved format for both front ends: a model fine-tuned by `llmmlnet finetune` loads in an ML.NET pipeline
// (mlContext.Model.LoadLlmTextClassifier / LoadLlmQuestionAnswering) and predicts what `llmmlnet predict` says;
// a model fine-tuned in an ML.NET pipeline, saved with SaveTaskModel, runs in `llmmlnet predict` with the
// probabilities the pipeline gave.
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.ML;
using LlmMlNet.ML.Classification;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Workbench.Synthetic;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class SavedModelInterchangeTests : IDisposable
{
    private static readonly string[] Texts = ["a truly wonderful film", "dull and boring from start to end", "the plot"];
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-interchange-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    public sealed class Review
    {
        public string Sentence1 = "";
        public string Label = "";
    }

    public sealed class Scored
    {
        public float[] Score = [];
    }

    public sealed class QaRow
    {
        public string Context = "";
        public string Question = "";
    }

    public sealed class Answered
    {
        public string[] Answer = [];
        public float[] Score = [];
    }

    // The probabilities `predict --text` prints, in the given label order.
    private static float[] CliProbabilities(string folder, string text, IReadOnlyList<string> labels)
    {
        var run = CliHarness.Run("predict", "--model", folder, "--text", text);
        Assert.True(run.ExitCode == 0, run.Error);
        var probabilities = run.Json().GetProperty("probabilities");
        return labels.Select(l => probabilities.GetProperty(l).GetSingle()).ToArray();
    }

    private float[][] PipelineScores(MLContext ml, ITransformer model) =>
        ml.Data.CreateEnumerable<Scored>(model.Transform(ml.Data.LoadFromEnumerable(Texts.Select(t => new Review { Sentence1 = t }))), false)
            .Select(s => s.Score).ToArray();

    [Fact]
    public void CliTrainedClassifierRunsInAPipelineAsInPredict()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var (train, _) = CliHarness.WriteSentiment(_temp);
        var folder = Path.Combine(_temp, "cli-lora");
        var run = CliHarness.Run("finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train, "--method", "lora",
            "--output", folder, "--steps", "2", "--max-length", "32", "--lr", "1e-2", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.Error);

        var ml = new MLContext(1);
        var transformer = ml.Model.LoadLlmTextClassifier(folder);
        Assert.Equal(["negative", "positive"], transformer.Classes);
        var scores = PipelineScores(ml, transformer);
        for (int i = 0; i < Texts.Length; i++) Assert.Equal(CliProbabilities(folder, Texts[i], transformer.Classes), scores[i]);
        // The probabilities depend on the text: the model is really run (not a constant).
        Assert.NotEqual(scores[0], scores[1]);
    }

    [Fact]
    public void PipelineTrainedClassifierRunsInPredictAsInThePipeline()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var data = SentimentDatasetGenerator.Generate(5, new SentimentDatasetOptions { TrainCount = 24, ValidationCount = 0, TestCount = 0 });
        var ml = new MLContext(1);
        var rows = ml.Data.LoadFromEnumerable(data.Train.Select(e => new Review { Sentence1 = e.Text, Label = e.Label! }));
        var options = new LlmTextClassificationOptions
        {
            Preset = "tiny", TokenizerPath = tokenizer, Method = FineTuningMethod.Adapter, MaxSteps = 2, MaxSequenceLength = 32, LearningRate = 1e-2f,
        };
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.LlmTextClassification(options)).Fit(rows);
        var folder = Path.Combine(_temp, "pipeline-adapter");
        model.LastTransformer.SaveTaskModel(folder);

        var scores = PipelineScores(ml, model);
        for (int i = 0; i < Texts.Length; i++) Assert.Equal(CliProbabilities(folder, Texts[i], model.LastTransformer.Classes), scores[i]);
        var evaluated = CliHarness.Run("evaluate", "--model", folder, "--data", CliHarness.WriteSentiment(_temp).Valid, "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
    }

    [Fact]
    public void QaModelsCrossBetweenTheFrontEnds()
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var train = CliHarness.WriteSquad(_temp, "train.json", seed: 1, contexts: 4);
        var cliFolder = Path.Combine(_temp, "cli-qa");
        var run = CliHarness.Run("finetune", "--task", "qa", "--preset", "tiny", "--tokenizer", tokenizer, "--train", train, "--method", "full",
            "--output", cliFolder, "--steps", "2", "--max-length", "64", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.Error);

        var ml = new MLContext(1);
        var transformer = ml.Model.LoadLlmQuestionAnswering(cliFolder, topK: 2);
        var question = new QaRow { Context = "the film was shown in the old theatre on a rainy night", Question = "where was the film shown" };
        var answered = ml.Data.CreateEnumerable<Answered>(transformer.Transform(ml.Data.LoadFromEnumerable(new[] { question })), false).Single();
        Assert.InRange(answered.Answer.Length, 1, 2);
        Assert.Equal(answered.Answer.Length, answered.Answer.Distinct().Count());

        // Saved back from the pipeline as a task folder, `predict` gives the pipeline's best answer.
        var mlFolder = Path.Combine(_temp, "pipeline-qa");
        transformer.SaveTaskModel(mlFolder);
        foreach (var folder in new[] { cliFolder, mlFolder })
        {
            var predicted = CliHarness.Run("predict", "--model", folder, "--text", question.Context, "--question", question.Question);
            Assert.True(predicted.ExitCode == 0, predicted.Error);
            Assert.Equal(answered.Answer[0], predicted.Json().GetProperty("answer").GetString());
            Assert.Equal(answered.Score[0], predicted.Json().GetProperty("score").GetSingle());
        }
    }
}
