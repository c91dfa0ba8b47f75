// A tiny BERT fine-tuned on generated SQuAD-shaped data finds answer spans in held-out contexts (exact match
// clearly above 0), through windows over long contexts; LoRA trains the same API; feature extraction trains
// only the span head (the body's weights stay as loaded) and a validation set is evaluated during training.
using LlmMlNet.Transformers.Data;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace LlmMlNet.Transformers.Tests.Tasks;

public sealed class QuestionAnsweringTests(ITestOutputHelper output)
{
    [Fact]
    public void Full_fine_tuning_finds_spans_in_held_out_contexts()
    {
        var train = QaDatasetGenerator.Generate(1, new QaDatasetOptions { ContextCount = 60, QuestionsPerContext = 3, LongContextFraction = 0.2 });
        var test = QaDatasetGenerator.Generate(2, new QaDatasetOptions { ContextCount = 20, QuestionsPerContext = 3, LongContextFraction = 0.2, IdPrefix = "t" });
        var tokenizer = TaskTestKit.Tokenizer(train.Concat(test).SelectMany(e => new[] { e.Question, e.Context }));
        var options = TaskTestKit.Options(FineTuningMethod.Full, 5e-3f, 6) with { MaxLength = 64 };
        var started = DateTime.UtcNow;
        var qa = QuestionAnswering.Train(ModelSource.FromScratch(TaskTestKit.TinyBert(tokenizer), seed: 1), tokenizer, train, options, stride: 16);
        var metrics = qa.Evaluate(test, SquadVersion.V1_1);
        var history = qa.TrainingResult!.History;
        output.WriteLine($"QA full: loss {history[0].Loss:F3} → {history[^1].Loss:F3}, EM {metrics.ExactMatch:F3}, F1 {metrics.F1:F3}, {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        Assert.True(history.TakeLast(5).Average(h => h.Loss) < 0.5 * history.Take(5).Average(h => h.Loss));
        // ExactMatch is on SQuAD's 0-100 scale; a model that finds no spans scores 0.
        Assert.True(metrics.ExactMatch > 5, $"exact match {metrics.ExactMatch}");
        var predictions = qa.Predict(test.Take(5));
        foreach (var (p, e) in predictions.Zip(test))
            Assert.Equal(e.Context.Substring(p.Start, p.Text.Length), p.Text);
    }

    [Fact]
    public void Feature_extraction_trains_only_the_span_head_and_validation_is_evaluated()
    {
        var train = QaDatasetGenerator.Generate(1, new QaDatasetOptions { ContextCount = 4 });
        var validation = QaDatasetGenerator.Generate(2, new QaDatasetOptions { ContextCount = 2, IdPrefix = "v" });
        var tokenizer = TaskTestKit.Tokenizer(train.Concat(validation).SelectMany(e => new[] { e.Question, e.Context }));
        var source = ModelSource.FromScratch(TaskTestKit.TinyBert(tokenizer), seed: 1);
        var options = TaskTestKit.Options(FineTuningMethod.FeatureExtraction, 1e-2f, 2, batch: 4) with { MaxLength = 64 };
        options = options with { Trainer = options.Trainer with { EvaluateEverySteps = 2 } };
        var qa = QuestionAnswering.Train(source, tokenizer, train, options, stride: 16, validation: validation);
        var untouched = QuestionAnswering.Train(source, tokenizer, train, options with { Trainer = options.Trainer with { MaxSteps = 1, LearningRate = 0f, EvaluateEverySteps = null } }, stride: 16);
        foreach (var name in qa.Parameters.Set.Layout.Tensors.Select(t => t.Name))
        {
            bool equal = qa.Parameters.Set.View(name).SequenceEqual(untouched.Parameters.Set.View(name));
            Assert.True(name.StartsWith("qa.", StringComparison.Ordinal) ? !equal : equal, $"{name}: changed = {!equal}");
        }
        var evaluations = qa.TrainingResult!.History.Where(h => h.Evaluation is not null).ToList();
        Assert.NotEmpty(evaluations);
        Assert.All(evaluations, h => Assert.True(h.Evaluation!["eval_loss"] > 0));
    }
}
