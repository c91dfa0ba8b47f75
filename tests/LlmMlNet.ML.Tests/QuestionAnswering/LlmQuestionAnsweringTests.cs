// Workout of the extractive QA trainer on the tiny BERT fixture and generated SQuAD-shaped data, for every method:
// schemas agree; Answer holds at most top-K distinct spans of the context, best first, with descending Score;
// PredictionEngine and save/load match Transform; wrong types and misplaced answers fail naming what was expected;
// the validation set is evaluated and stops training early; Transform batches windows into forward passes lazily.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.QuestionAnswering;
using LlmMlNet.ML.Tests.Support;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.QuestionAnswering;

public class LlmQuestionAnsweringTests
{
    public class QaRow { public string Context = ""; public string Question = ""; public string TrainingAnswer = ""; public int AnswerIndex; }
    public class QaInput { public string Context = ""; public string Question = ""; }
    public class QaOutput { public string[] Answer = []; public float[] Score = []; }
    public class BadIndex { public string Context = ""; public string Question = ""; public string TrainingAnswer = ""; public float AnswerIndex; }

    private static QaRow[] Rows(int contexts) => QaDatasetGenerator.Generate(3, new QaDatasetOptions { ContextCount = contexts, QuestionsPerContext = 2 })
        .Where(e => e.Answers.Count > 0)
        .Select(e => new QaRow { Context = e.Context, Question = e.Question, TrainingAnswer = e.Answers[0].Text, AnswerIndex = e.Answers[0].Start }).ToArray();

    private static LlmQuestionAnsweringOptions Tiny(FineTuningMethod method) => new()
    {
        ModelPath = TestModels.BertTiny, Method = method, BatchSize = 8, MaxEpochs = 1, MaxSteps = 6, LearningRate = 1e-3f, MaxSequenceLength = 64, Stride = 16,
    };

    [Theory]
    [InlineData(FineTuningMethod.Lora)]
    [InlineData(FineTuningMethod.Full)]
    [InlineData(FineTuningMethod.Adapter)]
    [InlineData(FineTuningMethod.FeatureExtraction)]
    public void WorkoutSchemasTopKEngineAndRoundTrip(FineTuningMethod method)
    {
        var ml = new MLContext(1);
        var rows = Rows(6);
        var data = ml.Data.LoadFromEnumerable(rows);
        var estimator = ml.MulticlassClassification.Trainers.LlmQuestionAnswering(Tiny(method));
        var transformer = estimator.Fit(data);
        Workout.SchemasAgree(estimator, transformer, data);
        Assert.Equal(new VectorDataViewType(TextDataViewType.Instance), transformer.GetOutputSchema(data.Schema)["Answer"].Type);

        var outputs = ml.Data.CreateEnumerable<QaOutput>(transformer.Transform(data), false).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.InRange(outputs[i].Answer.Length, 1, 3);
            Assert.Equal(outputs[i].Answer.Length, outputs[i].Score.Length);
            Assert.All(outputs[i].Answer, a => Assert.Contains(a, rows[i].Context));
            Assert.Equal(outputs[i].Answer.Distinct().Count(), outputs[i].Answer.Length);
            Assert.Equal(outputs[i].Score.OrderByDescending(s => s), outputs[i].Score);
        }

        var engine = ml.Model.CreatePredictionEngine<QaInput, QaOutput>(transformer);
        for (int i = 0; i < 3; i++)
            Assert.Equal(outputs[i].Answer, engine.Predict(new QaInput { Context = rows[i].Context, Question = rows[i].Question }).Answer);

        var loaded = Workout.RoundTrip(ml, transformer, data);
        var again = ml.Data.CreateEnumerable<QaOutput>(loaded.Transform(data), false).ToArray();
        Assert.Equal(outputs.Select(o => o.Answer), again.Select(o => o.Answer));
        Assert.Equal(outputs.Select(o => o.Score), again.Select(o => o.Score));
    }

    [Fact]
    public void WrongTypesAndMisplacedAnswersFailNamingWhatWasExpected()
    {
        var ml = new MLContext(1);
        var bad = ml.Data.LoadFromEnumerable(new[] { new BadIndex { Context = "a b", Question = "q", TrainingAnswer = "a" } });
        var estimator = ml.MulticlassClassification.Trainers.LlmQuestionAnswering(Tiny(FineTuningMethod.Lora));
        const string expected = "Schema mismatch for input column 'AnswerIndex': expected Int32, got Single";
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(bad)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.FromSchema(bad.Schema))).Message);

        var rows = Rows(2);
        var transformer = estimator.Fit(ml.Data.LoadFromEnumerable(rows));
        var numericContext = ml.Data.LoadFromEnumerable(new[] { new BatchedNumeric() });
        const string text = "Schema mismatch for input column 'Context': expected String, got Single";
        Assert.Contains(text, Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(numericContext)).Message);
        Assert.Contains(text, Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(numericContext.Schema)).Message);

        var misplaced = rows.Take(1).Select(r => new QaRow { Context = r.Context, Question = r.Question, TrainingAnswer = r.TrainingAnswer, AnswerIndex = r.AnswerIndex + 1 });
        Assert.Contains("Row 0", Assert.Throws<InvalidDataException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(misplaced))).Message);
        var options = Tiny(FineTuningMethod.Lora);
        options.ValidationSet = ml.Data.LoadFromEnumerable(misplaced);
        Assert.Contains("Validation row 0", Assert.Throws<InvalidDataException>(
            () => ml.MulticlassClassification.Trainers.LlmQuestionAnswering(options).Fit(ml.Data.LoadFromEnumerable(rows))).Message);
    }

    public class BatchedNumeric { public float Context; public string Question = ""; }
    [Fact]
    public void QaPipelineFromScratchLearnsToPointAtAnswers()
    {
        using var temp = new TempFolder();
        string tokenizer = TestModels.SyntheticTokenizer(temp.Sub("tok"));
        var ml = new MLContext(seed: 1);
        var rows = Rows(40);
        var data = ml.Data.LoadFromEnumerable(rows);
        LlmQuestionAnsweringOptions Options(int steps) => new()
        {
            Preset = "tiny", TokenizerPath = tokenizer, BatchSize = 16, MaxEpochs = 20, MaxSteps = steps, LearningRate = 1e-3f, MaxSequenceLength = 64, Stride = 16, Seed = 1,
        };
        double HitRate(ITransformer model) => ml.Data.CreateEnumerable<QaOutput>(model.Transform(data), false)
            .Zip(rows, (o, r) => o.Answer.Contains(r.TrainingAnswer)).Average(hit => hit ? 1.0 : 0.0);
        double trained = HitRate(ml.MulticlassClassification.Trainers.LlmQuestionAnswering(Options(150)).Fit(data));
        double barely = HitRate(ml.MulticlassClassification.Trainers.LlmQuestionAnswering(Options(1)).Fit(data));
        Assert.True(trained > barely + 0.2, $"gold answer in the top 3 for {trained:P0} of training rows after 150 steps, {barely:P0} after 1");
    }

    [Fact]
    public void ValidationSetIsEvaluatedAndStopsTrainingEarly()
    {
        var ml = new MLContext(1);
        var rows = Rows(6);
        // The same questions answered by the context's first word: learning the training answers makes the validation loss worse.
        var wrong = rows.Select(r => new QaRow { Context = r.Context, Question = r.Question, TrainingAnswer = r.Context.Split(' ')[0], AnswerIndex = 0 })
            .Where((r, i) => r.TrainingAnswer != rows[i].TrainingAnswer).ToArray();
        var options = Tiny(FineTuningMethod.Full);
        (options.MaxSteps, options.MaxEpochs, options.ValidationSet, options.EvaluateEverySteps, options.EarlyStoppingPatience) =
            (null, 30, ml.Data.LoadFromEnumerable(wrong), 1, 2);
        var result = ml.MulticlassClassification.Trainers.LlmQuestionAnswering(options).Fit(ml.Data.LoadFromEnumerable(rows)).TrainingResult!;
        var losses = result.History.Where(h => h.Evaluation != null).Select(h => h.Evaluation!["eval_loss"]).ToList();
        Assert.Equal(result.GlobalStep, losses.Count);
        Assert.True(result.StoppedEarly, $"no early stop after {result.GlobalStep} of {result.TotalSteps} steps; eval_loss {string.Join(", ", losses)}");
        Assert.Equal(losses.Min(), result.BestMetric!.Value, 6);
        Assert.True(losses[^1] > result.BestMetric, "the last evaluation is the best: nothing to keep");
    }

    [Fact]
    public void TransformRunsOneForwardPassPerBatchOfWindowsLazily()
    {
        var ml = new MLContext(1);
        var options = Tiny(FineTuningMethod.Lora);
        (options.BatchSize, options.MaxSteps) = (4, 1);
        var transformer = ml.MulticlassClassification.Trainers.LlmQuestionAnswering(options).Fit(ml.Data.LoadFromEnumerable(Rows(2)));
        // Contexts far shorter than a window: one window per row.
        var rows = Enumerable.Range(0, 9).Select(i => new QaInput { Context = $"the cat sat on mat {i} today", Question = "where did the cat sit" }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        int before = transformer.Batches;
        var view = transformer.Transform(data);
        Assert.Equal(rows.Length, view.GetColumn<ReadOnlyMemory<char>>("Context").Count());
        Assert.Equal(before, transformer.Batches);
        Assert.Equal(rows.Length, view.GetColumn<VBuffer<ReadOnlyMemory<char>>>("Answer").Count());
        Assert.Equal(before + 3, transformer.Batches); // ceil(9 / 4)
    }
}
