// Workout of the SFT and DPO estimators on the shared GPT-2 parity checkpoint: schemas agree; SFT (full) learns to
// answer its prompts (the fitted transformer's completions equal the trained responses) and saves a folder the
// library reloads; DPO (LoRA) raises the preference accuracy of the saved model against the starting one; missing
// columns and a bad β are refused naming them.
using LlmMlNet.ML.PostTraining;
using LlmMlNet.ML.Tests.Support;
using LlmMlNet.TestSupport;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Tasks.Generative;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Xunit;

namespace LlmMlNet.ML.Tests.PostTraining;

public sealed class PostTrainingTests : IDisposable
{
    public class SftRow { public string Prompt = ""; public string Response = ""; }
    public class PairRow { public string Prompt = ""; public string Chosen = ""; public string Rejected = ""; }

    private static string Gpt2 => RepoPaths.Fixture("parity", "gpt2-tiny-random");
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-ml-post-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static readonly SftRow[] Facts =
        new[] { "red", "blue", "green", "gold" }.Select((v, i) => new SftRow { Prompt = $"Q: rule {i}?", Response = $" A: {v}" }).ToArray();

    [Fact]
    public void SftWorkoutLearnsTheResponses()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Facts);
        var estimator = ml.Transforms.Text.TrainSft(new LlmSftEstimator.Options
        {
            ModelPath = Gpt2, MaxLength = 32, BatchSize = 4, MaxSteps = 60, LearningRate = 5e-3f, Seed = 1, MaxNewTokens = 6, OutputPath = Path.Combine(_temp, "sft"),
        });
        var transformer = estimator.Fit(data);
        Workout.SchemasAgree(estimator, transformer, data);
        var completions = Workout.Column<string>(transformer.Transform(data), "Completion");
        Assert.Equal(Facts.Select(f => f.Response), completions.Select(c => c.Replace("<|endoftext|>", "")));
        Assert.True(File.Exists(Path.Combine(_temp, "sft", "config.json")));

        var missing = ml.Data.LoadFromEnumerable(new[] { new PairRow() });
        Assert.Contains("Response", Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(missing)).Message);
    }

    [Fact]
    public void DpoWorkoutPrefersTheChosenResponses()
    {
        var ml = new MLContext(1);
        var pairs = Enumerable.Range(0, 8).Select(i => new PairRow { Prompt = $"Q: rule {i % 4}?", Chosen = " A: per rule", Rejected = " A: no idea" }).ToArray();
        var data = ml.Data.LoadFromEnumerable(pairs);
        var estimator = ml.Transforms.Text.TrainDpo(new LlmDpoEstimator.Options
        {
            ModelPath = Gpt2, Method = FineTuningMethod.Lora, LoraRank = 4, Beta = 0.5f, MaxLength = 32, BatchSize = 4, MaxSteps = 12, LearningRate = 1e-2f,
            Seed = 1, MaxNewTokens = 4, OutputPath = Path.Combine(_temp, "dpo"),
        });
        var transformer = estimator.Fit(data);
        Workout.SchemasAgree(estimator, transformer, data);
        Assert.Equal(pairs.Length, Workout.Column<string>(transformer.Transform(data), "Completion").Count);

        var featurizer = new CausalLmFeaturizer(Tokenizer.Load(Gpt2), ChatTemplate.ChatMl, 32);
        var examples = pairs.Select(p => new PreferenceExample(p.Prompt, p.Chosen, p.Rejected)).ToList();
        var start = Pretraining.FromCheckpoint(Gpt2, out _);
        var tuned = CausalLmEvaluation.Preferences(Pretraining.FromCheckpoint(Path.Combine(_temp, "dpo"), out _), start, featurizer, examples, 0.5f);
        Assert.Equal(1, tuned.RewardsAccuracy);
        Assert.True(tuned.RewardsMargin > 1, $"margin {tuned.RewardsMargin}");

        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TrainDpo(new LlmDpoEstimator.Options { ModelPath = Gpt2, Beta = 0 }));
    }
}
