// SFT and DPO through the task API on the shared tiny GPT-2: labels cover the response and EOS only, chats
// train on assistant turns, templates we cannot render are refused naming the file, bad rows name their line,
// SFT lowers the held-out response loss, LoRA DPO starts at ln 2 against the adapter-off reference and raises
// the preference accuracy without touching the base, and a saved model reloads with the trained behaviour.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Tasks.Generative;
using LlmMlNet.Transformers.Training;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Tasks;

public sealed class GenerativeTuningTests
{
    private static readonly string Folder = TestSupport.RepoPaths.Fixture("parity", "gpt2-tiny-random");
    private static readonly Tokenizer Tokenizer = Tokenizer.Load(Folder);

    private static CausalLmFeaturizer Featurizer(int maxLength = 64, int? maxPrompt = null) => new(Tokenizer, ChatTemplate.ChatMl, maxLength, maxPrompt);

    [Fact]
    public void LabelsCoverTheResponseAndEosOnly()
    {
        var f = Featurizer();
        var prompt = Tokenizer.EncodeToIds("Q: what is the fee?", false);
        var response = Tokenizer.EncodeToIds(" A: two", false);
        var s = f.Featurize(SftExample.Of("Q: what is the fee?", " A: two"));
        Assert.Equal([.. prompt, .. response, f.EosId], s.InputIds);
        Assert.All(s.Labels.Take(prompt.Count), l => Assert.Equal(LanguageModelBatch.IgnoreTarget, l));
        Assert.Equal([.. response, f.EosId], s.Labels.Skip(prompt.Count));
        var batch = new SupervisedCollator(f.EosId).Collate([s], default);
        Assert.Equal(response.Count + 1, batch.TargetCount);
        Assert.Equal(response[0], batch.Targets[prompt.Count - 1]);
    }

    [Fact]
    public void LongExamplesKeepThePromptEndAndTheResponseStart()
    {
        var f = Featurizer(maxLength: 12, maxPrompt: 4);
        var s = f.Featurize(SftExample.Of(string.Concat(Enumerable.Repeat("a b c d ", 10)), string.Concat(Enumerable.Repeat(" x", 20))));
        Assert.Equal(12, s.Length);
        Assert.Equal(4, s.Labels.Count(l => l == LanguageModelBatch.IgnoreTarget));
        Assert.Equal(Tokenizer.EncodeToIds(" x", false)[0], s.InputIds[4]);
        // A short response keeps the EOS and gives the prompt the room.
        var shortResponse = f.Featurize(SftExample.Of(string.Concat(Enumerable.Repeat("a b c d ", 10)), " x"));
        Assert.Equal(f.EosId, shortResponse.InputIds[^1]);
        Assert.Equal(12 - Tokenizer.EncodeToIds(" x", false).Count - 1, shortResponse.Labels.Count(l => l == LanguageModelBatch.IgnoreTarget));
    }

    [Fact]
    public void ChatsTrainOnAssistantTurnsAndUnknownTemplatesAreRefused()
    {
        var chat = SftExample.Chat([new ChatTurn("user", "hi"), new ChatTurn("assistant", "hello"), new ChatTurn("user", "fee?"), new ChatTurn("assistant", "two")]);
        var s = Featurizer(512, 400).Featurize(chat);
        var targets = Tokenizer.Decode(s.Labels.Where(l => l != LanguageModelBatch.IgnoreTarget));
        Assert.Equal("hello<|im_end|>two<|im_end|><|endoftext|>", targets);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>\n<|im_start|>user\nfee?<|im_end|>\n<|im_start|>assistant\n",
            Tokenizer.Decode(Featurizer(512, 400).EncodePrompt(chat)));

        using var temp = new TempFolder();
        var config = Path.Combine(temp.Path, ChatTemplate.ConfigFileName);
        File.WriteAllText(config, System.Text.Json.JsonSerializer.Serialize(new { chat_template = ChatTemplate.ChatMlJinja.Replace("}{", "}\n{") }));
        Assert.Equal("chatml", ChatTemplate.FromFolder(temp.Path).Name);
        File.WriteAllText(config, """{"chat_template": "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}{% endfor %}"}""");
        var e = Assert.Throws<NotSupportedException>(() => ChatTemplate.FromFolder(temp.Path));
        Assert.Contains(config, e.Message);
        Assert.Equal("chatml", ChatTemplate.FromFolder(Folder).Name);
    }

    [Fact]
    public void BadRowsNameTheirLineAndField()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "sft.jsonl");
        File.WriteAllText(path, "{\"prompt\": \"a\", \"response\": \"b\"}\n\n{\"prompt\": \"a\", \"answer\": \"b\"}\n");
        var e = Assert.Throws<DataFormatException>(() => SftDataReader.ReadAll(path));
        Assert.Equal(3, e.LineNumber);
        Assert.Contains("\"response\"", e.Message);
        File.WriteAllText(path, "{\"messages\": [{\"role\": \"user\"}]}\n");
        Assert.Contains("messages[0]", Assert.Throws<DataFormatException>(() => SftDataReader.ReadAll(path)).Message);
        File.WriteAllText(path, "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": 3}\n");
        var p = Assert.Throws<DataFormatException>(() => PreferenceDataReader.ReadAll(path));
        Assert.Contains(":1:", p.Message);
        Assert.Contains("\"rejected\"", p.Message);
    }

    private static List<SftExample> Facts() => Enumerable.Range(0, 16)
        .Select(i => SftExample.Of($"Q: rule {i % 4}?", $" A: {(i % 4) switch { 0 => "red", 1 => "blue", 2 => "green", _ => "gold" }}")).ToList();

    [Theory]
    [InlineData(FineTuningMethod.Full, false)]
    [InlineData(FineTuningMethod.Full, true)]
    [InlineData(FineTuningMethod.Lora, false)]
    public void SftLowersTheResponseLoss(FineTuningMethod method, bool packing)
    {
        var data = Facts();
        var source = ModelSource.FromCheckpoint(Folder);
        var f = Featurizer(32);
        var before = CausalLmEvaluation.ResponsePerplexity(Pretraining.FromCheckpoint(Folder, out _), f, data.Take(4), 4);
        var options = new SftOptions
        {
            Method = method,
            MaxLength = 32,
            Packing = packing,
            Lora = new() { TargetModules = ["c_attn"], Rank = 4, Alpha = 8 },
            Trainer = new TrainerOptions { LearningRate = method == FineTuningMethod.Lora ? 3e-2f : 5e-3f, BatchSize = 4, MaxSteps = method == FineTuningMethod.Full && !packing ? 60 : 25, Seed = 1, Threads = 1 },
        };
        var model = CausalLmTuning.Sft(source, Tokenizer, data, options);
        var after = CausalLmEvaluation.ResponsePerplexity(model.MergedParameters(), f, data.Take(4), 4);
        // LoRA on the fused attention input of a 2-layer random model moves the loss less than full fine-tuning in 25 steps (full fine-tuning without packing runs 60, to answer every question exactly).
        double gain = method == FineTuningMethod.Lora ? 0.4 : 1.0;
        Assert.True(after.Loss < before.Loss - gain, $"{method}: response loss {before.Loss:F3} -> {after.Loss:F3}");
        var sft = CausalLmEvaluation.Sft(model.MergedParameters(), f, data.Take(4).ToList(), maxNewTokens: 6, batchSize: 4);
        Assert.Equal(after.Loss, sft.Response.Loss, 5);
        Assert.Equal(0, CausalLmEvaluation.Sft(Pretraining.FromCheckpoint(Folder, out _), f, data.Take(4).ToList(), 6, 4).ExactMatch);
        if (method == FineTuningMethod.Full && !packing)
            Assert.True(sft.ExactMatch == 1, $"greedy: {string.Join(" | ", sft.Generations)}");
        if (method == FineTuningMethod.Lora)
        {
            AssertSameWeights(Pretraining.FromCheckpoint(Folder, out _), model.Parameters);
            Assert.Equal(model.Lora!.ParameterCount, model.TrainableParameterCount);
        }
    }

    [Fact]
    public void LoraDpoStartsAtLn2AgainstTheBaseAndLearnsThePreference()
    {
        var pairs = Enumerable.Range(0, 8).Select(i => new PreferenceExample($"Q: rule {i % 4}?", " A: per rule", " A: no idea", i + 1)).ToList();
        var options = new DpoOptions
        {
            Method = FineTuningMethod.Lora,
            MaxLength = 32,
            Beta = 0.5f,
            Lora = new() { TargetModules = ["c_attn"], Rank = 4, Alpha = 8 },
            Trainer = new TrainerOptions { LearningRate = 1e-2f, BatchSize = 4, MaxSteps = 12, Seed = 1, Threads = 1 },
        };
        var model = CausalLmTuning.Dpo(ModelSource.FromCheckpoint(Folder), Tokenizer, pairs, options);
        var first = model.PreferenceHistory[0];
        Assert.Equal(Math.Log(2), first.Loss, 4);
        Assert.Equal(0, first.RewardsChosen, 6);
        Assert.Equal(12, model.PreferenceHistory.Count);
        var last = model.PreferenceHistory[^1];
        Assert.True(last.Loss < 0.3 && last.RewardsAccuracy == 1 && last.RewardsMargin > 1, $"last step: {string.Join(", ", last.ToTable())}");
        var original = Pretraining.FromCheckpoint(Folder, out _);
        AssertSameWeights(original, model.Parameters);

        // Evaluated afresh: the merged policy against the original as reference gives the training run's rewards.
        var f = new CausalLmFeaturizer(Tokenizer, ChatTemplate.ChatMl, 32);
        var evaluated = CausalLmEvaluation.Preferences(model.MergedParameters(), original, f, pairs, 0.5f, 4);
        Assert.Equal(1, evaluated.RewardsAccuracy);
        var untrained = CausalLmEvaluation.Preferences(original, original, f, pairs, 0.5f, 4);
        Assert.Equal(0, untrained.RewardsMargin, 6);

        using var temp = new TempFolder();
        model.Save(temp.Path, Folder);
        var reloaded = Pretraining.FromCheckpoint(temp.Path, out var report);
        Assert.Empty(report.Initialized);
        Assert.True(File.Exists(Path.Combine(temp.Path, TaskModelManifest.AdapterFolder, "adapter_config.json")));
        var again = CausalLmEvaluation.Preferences(reloaded, original, f, pairs, 0.5f, 4);
        Assert.Equal(evaluated.RewardsMargin, again.RewardsMargin, 4);
    }

    private static void AssertSameWeights(LlmMlNet.Transformers.Models.TransformerParameters expected, LlmMlNet.Transformers.Models.TransformerParameters actual)
    {
        foreach (var tensor in expected.Set.Layout.Tensors)
            Assert.True(expected.Set.View(tensor.Name).SequenceEqual(actual.Set.View(tensor.Name)), $"{tensor.Name} changed");
    }

    private sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(Path);
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmmlnet-gen-" + Guid.NewGuid().ToString("N"));
        public void Dispose()
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
    }
}
