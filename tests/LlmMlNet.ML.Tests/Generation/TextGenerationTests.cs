// Workout of text generation in ML.NET on the shared GPT-2 parity checkpoint: schemas agree; the batched
// completion column equals the library's TextGenerator on the same prompts; PredictionEngine and a save/load
// round trip give the same text; a non-text prompt column and a BERT model are refused naming what was expected.
using LlmMlNet.ML.Generation;
using LlmMlNet.ML.Tests.Support;
using LlmMlNet.TestSupport;
using LlmMlNet.Transformers.Generation;
using Microsoft.ML;
using Xunit;

namespace LlmMlNet.ML.Tests.Generation;

public class TextGenerationTests
{
    public class Row { public string Prompt = ""; }
    public class Generated { public string Prompt = ""; public string Completion = ""; }
    public class Numeric { public float Prompt; }

    internal static string Gpt2 => RepoPaths.Fixture("parity", "gpt2-tiny-random");

    private static readonly Row[] Rows = new[] { "Hello world", "the", "a longer prompt about nothing in particular", "ok", "" }
        .Select(t => new Row { Prompt = t }).ToArray();

    [Fact]
    public void WorkoutSchemasBatchedTextEngineAndRoundTrip()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var estimator = ml.Transforms.Text.GenerateText(new TextGenerationEstimator.Options
        {
            ModelPath = Gpt2, InputColumnName = "Prompt", OutputColumnName = "Completion", MaxNewTokens = 6, BatchSize = 2,
        });
        var transformer = estimator.Fit(data);
        Workout.SchemasAgree(estimator, transformer, data);

        var completions = Workout.Column<string>(transformer.Transform(data), "Completion");
        var expected = TextGenerator.Load(Gpt2).Generate(Rows.Select(r => r.Prompt).ToArray(), new GenerationOptions { MaxNewTokens = 6 });
        Assert.Equal(expected.Select(e => e.Text), completions);
        Assert.Contains(completions, c => c.Length > 0);

        var engine = ml.Model.CreatePredictionEngine<Row, Generated>(transformer);
        Assert.Equal(completions[0], engine.Predict(Rows[0]).Completion);

        var loaded = Workout.RoundTrip(ml, transformer, data);
        Assert.Equal(completions, Workout.Column<string>(loaded.Transform(data), "Completion"));
    }

    [Fact]
    public void WrongColumnTypesAndNonCausalModelsAreRefused()
    {
        var ml = new MLContext(1);
        var numbers = ml.Data.LoadFromEnumerable(new[] { new Numeric { Prompt = 1 } });
        var estimator = ml.Transforms.Text.GenerateText("Completion", Gpt2, "Prompt");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(numbers));
        Assert.Contains("Prompt", error.Message);
        Assert.Throws<NotSupportedException>(() => ml.Transforms.Text.GenerateText("Completion", TestModels.BertTiny, "Prompt"));
        Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Text.GenerateText(new TextGenerationEstimator.Options { ModelPath = Gpt2, TopP = 2 }));
    }
}
