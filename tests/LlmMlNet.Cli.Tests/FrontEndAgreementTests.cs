// The two front ends over the one task API agree: a `finetune` command line and the ML.NET trainers' Options
// that set nothing map to the same library TaskModelOptions (learning rate per method, batch size, epochs,
// warm-up, LoRA rank/alpha, adapter width, length, seed), all of them TaskModelOptions.For(method)'s; and
// --family picks the architecture of a --preset model.
using LlmMlNet.Cli.Commands;
using LlmMlNet.Cli.Running;
using LlmMlNet.Cli.Tests.Support;
using LlmMlNet.ML.Classification;
using LlmMlNet.ML.QuestionAnswering;
using LlmMlNet.Transformers.Tasks;
using Xunit;

namespace LlmMlNet.Cli.Tests;

public sealed class FrontEndAgreementTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-cli-agree-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Theory]
    [InlineData("full", FineTuningMethod.Full)]
    [InlineData("lora", FineTuningMethod.Lora)]
    [InlineData("adapter", FineTuningMethod.Adapter)]
    [InlineData("features", FineTuningMethod.FeatureExtraction)]
    public void BothFrontEndsTakeTheLibraryDefaults(string name, FineTuningMethod method)
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var parse = CliApp.BuildRootCommand().Parse(["finetune", "--task", "classification", "--preset", "tiny", "--tokenizer", tokenizer,
            "--train", "train.tsv", "--method", name, "--output", _temp]);
        Assert.Empty(parse.Errors);
        var cli = FineTuning.TaskOptions(FinetuneCommand.RequestOf(parse));
        var classification = new LlmTextClassificationTrainer(new LlmTextClassificationOptions { Preset = "tiny", TokenizerPath = tokenizer, Method = method })
            .TaskOptions(trainCount: 100, hasValidation: false);
        var qa = new LlmQuestionAnsweringTrainer(new LlmQuestionAnsweringOptions { Preset = "tiny", TokenizerPath = tokenizer, Method = method })
            .TaskOptions(trainCount: 100, hasValidation: false);
        var library = TaskModelOptions.For(method);
        foreach (var options in new[] { cli, classification, qa })
        {
            Assert.Equal(method, options.Method);
            Assert.Equal(library.MaxLength, options.MaxLength);
            Assert.Equal(library.Lora.Rank, options.Lora.Rank);
            Assert.Equal(library.Lora.Alpha, options.Lora.Alpha);
            Assert.Equal(library.Bottleneck.BottleneckSize, options.Bottleneck.BottleneckSize);
            // The trainer's settings compare as records (learning rate, warm-up, batch, epochs, seed, ...), threads aside.
            Assert.Equal(library.Trainer, options.Trainer with { Threads = library.Trainer.Threads });
        }
        Assert.Equal(TaskModelOptions.Defaults.LearningRate(method), cli.Trainer.LearningRate);
        Assert.Equal(TaskModelOptions.Defaults.WarmupRatio, classification.Trainer.WarmupRatio);
    }

    [Theory]
    [InlineData("bert", LlmMlNet.Transformers.Checkpoints.ModelFamily.Bert)]
    [InlineData("roberta", LlmMlNet.Transformers.Checkpoints.ModelFamily.Roberta)]
    [InlineData("distilbert", LlmMlNet.Transformers.Checkpoints.ModelFamily.DistilBert)]
    [InlineData("gpt2", LlmMlNet.Transformers.Checkpoints.ModelFamily.Gpt2)]
    public void PresetsTakeAFamily(string name, LlmMlNet.Transformers.Checkpoints.ModelFamily family)
    {
        var tokenizer = CliHarness.WriteTokenizer(_temp);
        var parse = CliApp.BuildRootCommand().Parse(["finetune", "--task", "classification", "--preset", "tiny", "--family", name, "--tokenizer", tokenizer,
            "--train", "train.tsv", "--method", "full", "--output", _temp]);
        Assert.Empty(parse.Errors);
        var request = FinetuneCommand.RequestOf(parse);
        Assert.Equal(family, request.Model.Source.Config.Family);
        Assert.Contains(name, request.Model.Description);
        var withModel = CliApp.BuildRootCommand().Parse(["finetune", "--task", "classification", "--model", _temp, "--family", name,
            "--train", "train.tsv", "--method", "full", "--output", _temp]);
        Assert.Contains(withModel.Errors, e => e.Message.Contains("--family applies to --preset", StringComparison.Ordinal));
    }
}
