// Pre-training on the real models: the row-wise MLM head equals the models' full MaskedLmHead; MLM
// from a preset with a synthetic WordPiece vocabulary lowers perplexity, saves a Hugging Face
// checkpoint that loads back bit for bit and continues training; GPT-2 CLM from scratch learns.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;
using Xunit;
using static LlmMlNet.Transformers.Tests.Training.TrainingTestSupport;

namespace LlmMlNet.Transformers.Tests.Training;

public sealed class PretrainingTests
{
    private static readonly string[] Words = ["cat", "dog", "sat", "ran", "on", "the", "mat", "rug", "big", "small", "red", "blue", "happily", "quickly"];

    /// <summary>Sentences from a tiny grammar: "the ADJ NOUN VERB on the NOUN" with fixed pairings, so context predicts words.</summary>
    private static IEnumerable<string> Sentences(int count, ulong seed)
    {
        string[] adjectives = ["big", "small", "red", "blue"], nouns = ["cat", "dog"], places = ["mat", "rug"];
        for (int i = 0; i < count; i++)
        {
            int a = (int)(Tensors.CounterRng.Hash(seed, 1, (ulong)i) % 4);
            string noun = nouns[a % 2], verb = a % 2 == 0 ? "sat" : "ran", place = places[a / 2];
            string adverb = a < 2 ? "happily" : "quickly";
            yield return $"the {adjectives[a]} {noun} {verb} {adverb} on the {place}";
        }
    }

    private static Tokenizer WordPieceTokenizer()
        => Tokenizer.CreateWordPiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Words, "##s"]);

    [Fact]
    public void RowHeadOnAllRowsEqualsTheModelsMaskedLmHead()
    {
        var config = SizePresets.Create("tiny", ModelFamily.Bert, 40) with { NumLayers = 1, HiddenSize = 32, NumHeads = 2, IntermediateSize = 64 };
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.MaskedLm }, seed: 3);
        var model = new TransformerModel(parameters, 2, 8);
        var rowHead = new MaskedLmRowHead(model);
        var task = new TransformerTask(model, m => new MaskedLmHead(m));
        var batch = new ModelBatch(2, 8, Enumerable.Range(0, 16).Select(i => 5 + i * 7 % 30).ToArray());
        var full = task.Forward(batch).ToArray();
        var rows = new float[16 * 40];
        rowHead.Forward(model.LastHiddenState, rows, 16, ForwardContext.Evaluation());
        for (int i = 0; i < full.Length; i++) Assert.True(Math.Abs(full[i] - rows[i]) <= 1e-5f, $"logit {i}: {full[i]} vs {rows[i]}");
    }

    [Fact]
    public void MaskedLmFromScratchLowersPerplexitySavesAndContinues()
    {
        using var dir = new TempFolder();
        var tokenizer = WordPieceTokenizer();
        var parameters = Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 1);
        Assert.Equal(tokenizer.VocabularySize, parameters.Config.VocabSize);
        var options = new PretrainingOptions
        {
            BlockSize = 24,
            Trainer = new TrainerOptions { LearningRate = 2e-3f, BatchSize = 8, MaxSteps = 40, WarmupSteps = 4, EvaluateEverySteps = 20, Threads = 1 },
        };
        var corpus = Sentences(300, 5).Select((s, i) => new global::LlmMlNet.Transformers.Data.CorpusLine(s, i, true, 0, i + 1, default)).ToList();
        var validation = Sentences(40, 77).Select((s, i) => new global::LlmMlNet.Transformers.Data.CorpusLine(s, i, true, 0, i + 1, default)).ToList();
        var before = LossEvaluation.Evaluate(Pretraining.CreateObjective(parameters, PretrainingObjective.MaskedLm, 8, 24),
            BlockPacker.Pack(validation, tokenizer, 24).Chunk(8).Select((c, i) => Pretraining.CreateCollator(PretrainingObjective.MaskedLm, tokenizer, new MaskingOptions())
                .Collate(c, new BatchContext(0, i, i, options.Trainer.Seed))));
        var result = Pretraining.Train(parameters, tokenizer, corpus, options, validation);
        var after = result.History[^1].Evaluation!;
        Assert.True(after["perplexity"] < 0.3 * before["perplexity"], $"perplexity {before["perplexity"]:F1} -> {after["perplexity"]:F2}");

        var saved = Path.Combine(dir.Path, "pretrained");
        Pretraining.Save(parameters, tokenizer, saved);
        Assert.True(File.Exists(Path.Combine(saved, "model.safetensors")));
        Assert.Equal(tokenizer.Encode("the big cat sat").Ids, Tokenizer.FromFolder(saved).Encode("the big cat sat").Ids);
        var reloaded = Pretraining.FromCheckpoint(saved, out var report);
        Assert.Empty(report.Initialized);
        Assert.Equal(parameters.Set.Values, reloaded.Set.Values);

        var continued = Pretraining.Train(reloaded, tokenizer, corpus, options with { Trainer = options.Trainer with { MaxSteps = 4, EvaluateEverySteps = null } });
        Assert.Equal(4, continued.GlobalStep);
        Assert.True(continued.AverageLoss < before["eval_loss"]);
    }

    [Fact]
    public void CausalLmFromScratchLearnsTheGrammar()
    {
        var tokenizer = WordPieceTokenizer();
        var config = SizePresets.Create("tiny", ModelFamily.Gpt2, tokenizer.VocabularySize) with { NumLayers = 1, HiddenSize = 64, NumHeads = 2, IntermediateSize = 128, EosTokenId = 3 };
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder }, seed: 2);
        var objective = Pretraining.CreateObjective(parameters, PretrainingObjective.CausalLm, 8, 20);
        var blocks = BlockPacker.Pack(Sentences(200, 9), tokenizer, 20).ToList();
        var collator = new CausalLanguageModelCollator(0);
        var validation = blocks.Take(8).Chunk(8).Select(c => collator.Collate(c, default)).ToList();
        double before = LossEvaluation.Evaluate(objective, validation)["eval_loss"];
        new Trainer(new TrainerOptions { LearningRate = 3e-3f, BatchSize = 8, MaxSteps = 40, WarmupSteps = 4, Threads = 1 }).Train(objective, blocks, collator);
        double after = LossEvaluation.Evaluate(objective, validation)["eval_loss"];
        Assert.True(after < 0.4 * before, $"CLM loss {before:F2} -> {after:F2}");
    }

    [Fact]
    public void ResumedBertPretrainingIsBitIdenticalIncludingDropout()
    {
        var tokenizer = WordPieceTokenizer();
        var corpus = Sentences(64, 5).Select((s, i) => new global::LlmMlNet.Transformers.Data.CorpusLine(s, i, true, 0, i + 1, default)).ToList();
        PretrainingOptions Options(string output) => new()
        {
            BlockSize = 16,
            Masking = new MaskingOptions { WholeWordMasking = true },
            Trainer = new TrainerOptions
            {
                LearningRate = 1e-3f, BatchSize = 4, MaxSteps = 6, ShuffleBufferSize = 5, CheckpointEverySteps = 3,
                OutputDirectory = output, Threads = 1, Seed = 21,
            },
        };
        using var straightDir = new TempFolder();
        var straight = Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 4);
        Pretraining.Train(straight, tokenizer, corpus, Options(straightDir.Path));

        using var stoppedDir = new TempFolder();
        var first = Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 4);
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Pretraining.Train(first, tokenizer, corpus, Options(stoppedDir.Path),
            progress: new SyncProgress(p => { if (p.Step == 3) cancel.Cancel(); }), cancellationToken: cancel.Token));
        var resumed = Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 4);
        Pretraining.Train(resumed, tokenizer, corpus, Options(stoppedDir.Path), resumeFrom: Path.Combine(stoppedDir.Path, "checkpoint-3"));
        AssertBitIdentical(straight.Set, resumed.Set);
        Assert.NotEqual(Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 4).Set.Values, resumed.Set.Values);
    }

    [Fact]
    public void DropoutOptionReplacesTheConfigsWhileTrainingAndTheSavedConfigKeepsItsOwn()
    {
        var tokenizer = WordPieceTokenizer();
        var corpus = Sentences(64, 5).Select((s, i) => new global::LlmMlNet.Transformers.Data.CorpusLine(s, i, true, 0, i + 1, default)).ToList();
        var options = new PretrainingOptions
        {
            BlockSize = 16,
            Trainer = new TrainerOptions { LearningRate = 1e-3f, BatchSize = 4, MaxSteps = 5, Threads = 1, Seed = 3 },
        };
        TransformerParameters Train(float? dropout, double configDropout)
        {
            var fresh = Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 4);
            var parameters = configDropout == fresh.Config.HiddenDropout ? fresh : fresh.WithDropout(configDropout);
            Pretraining.Train(parameters, tokenizer, corpus, options with { Dropout = dropout });
            return parameters;
        }
        var configDefault = Train(null, 0.1);
        Assert.Equal(0.1, configDefault.Config.HiddenDropout);
        var overridden = Train(0f, 0.1);
        // Dropout 0 through the option trains exactly as a config without dropout, and not as the config's 0.1.
        AssertBitIdentical(Train(null, 0).Set, overridden.Set);
        Assert.NotEqual(configDefault.Set.Values, overridden.Set.Values);

        using var dir = new TempFolder();
        Pretraining.Save(overridden, tokenizer, dir.Path);
        var saved = TransformerConfigReader.Read(Path.Combine(dir.Path, CheckpointFolder.ConfigFileName));
        Assert.Equal((0.1, 0.1), (saved.HiddenDropout, saved.AttentionDropout));

        foreach (var bad in new[] { -0.1f, 1f, float.NaN })
        {
            var error = Assert.Throws<ArgumentException>(() => (options with { Dropout = bad }).Validate());
            Assert.Contains("Dropout", error.Message);
        }
    }
}
