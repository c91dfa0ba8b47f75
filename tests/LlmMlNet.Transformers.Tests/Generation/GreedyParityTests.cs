// Greedy generation equals Hugging Face's token for token on our GPT-2 parity checkpoints (F32, BF16,
// F16): one prompt, a batch of prompts of different lengths (left padding, HF's generation positions),
// an EOS that stops one row early, and a repetition penalty. Also: each cached step's logits equal a
// full forward of the whole prefix through the training model, so the cache changes cost, not values.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Generation;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Generation;

public sealed class GreedyParityTests
{
    public static TheoryData<string> Checkpoints => new() { "gpt2-tiny-random", "gpt2", "gpt2-noprefix-lmhead-bf16", "gpt2-f16" };

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void GreedyContinuationsEqualHuggingFace(string checkpoint)
    {
        var generator = new TokenGenerator(GenerationFixtures.Load(checkpoint));
        foreach (var c in GenerationFixtures.Cases(checkpoint))
        {
            var options = new GenerationOptions
            {
                MaxNewTokens = c.MaxNewTokens,
                EosTokenIds = c.Eos is { } eos ? [eos] : [],
                RepetitionPenalty = c.RepetitionPenalty,
            };
            var results = generator.Generate(c.Prompts, options);
            for (var row = 0; row < c.Prompts.Length; row++)
            {
                Assert.True(c.Expected[row].SequenceEqual(results[row].TokenIds),
                    $"{checkpoint}/{c.Name} row {row}: expected [{string.Join(", ", c.Expected[row])}], got [{string.Join(", ", results[row].TokenIds)}]");
                var stoppedByEos = c.Eos is { } e && c.Expected[row][^1] == e;
                Assert.Equal(stoppedByEos ? FinishReason.EndOfSequence : FinishReason.Length, results[row].FinishReason);
                Assert.Equal(c.Prompts[row].Length, results[row].PromptTokens);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void ScreeningTheHeadInBfloat16ChoosesTheSameTokens(string checkpoint)
    {
        // Force the bfloat16-screened head (normally only for large vocabularies and one or two rows) on every step.
        var (threshold, rows) = (ScreenedArgmax.Threshold, CachedCausalLm.ScreenedRows);
        try
        {
            ScreenedArgmax.Threshold = 0;
            CachedCausalLm.ScreenedRows = 16;
            var generator = new TokenGenerator(GenerationFixtures.Load(checkpoint));
            foreach (var c in GenerationFixtures.Cases(checkpoint).Where(c => c.RepetitionPenalty == 1f))
            {
                var results = generator.Generate(c.Prompts, new GenerationOptions { MaxNewTokens = c.MaxNewTokens, EosTokenIds = c.Eos is { } eos ? [eos] : [] });
                for (var row = 0; row < c.Prompts.Length; row++) Assert.Equal(c.Expected[row], results[row].TokenIds);
            }
        }
        finally
        {
            (ScreenedArgmax.Threshold, CachedCausalLm.ScreenedRows) = (threshold, rows);
        }
    }

    [Fact]
    public void ScreeningEqualsTheFloat32HeadOnAFreshModelWithCloseLogits()
    {
        // A fresh GPT-2 (weights N(0, 0.02)) has thousands of nearly equal logits: the bounds must still keep the true argmax.
        var config = SizePresets.Create("tiny", ModelFamily.Gpt2, vocabSize: 3000);
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder }, seed: 3);
        var screen = new ScreenedArgmax();
        var table = parameters["embeddings.word"].ToArray();
        screen.Refresh(table, config.VocabSize, config.HiddenSize);
        var random = new Random(4);
        var hidden = new float[6 * config.HiddenSize];
        for (var i = 0; i < hidden.Length; i++) hidden[i] = (float)(random.NextDouble() * 2 - 1);
        var chosen = new int[6];
        screen.Argmax(hidden, table, 6, chosen);
        for (var r = 0; r < 6; r++)
        {
            var h = hidden.AsSpan(r * config.HiddenSize, config.HiddenSize).ToArray();
            var logits = Enumerable.Range(0, config.VocabSize)
                .Select(j => System.Numerics.Tensors.TensorPrimitives.Dot(h, table.AsSpan(j * config.HiddenSize, config.HiddenSize))).ToArray();
            Assert.Equal(Array.IndexOf(logits, logits.Max()), chosen[r]);
        }
    }

    [Fact]
    public void EachPromptAloneGivesWhatItGaveInTheBatch()
    {
        var generator = new TokenGenerator(GenerationFixtures.Load("gpt2-tiny-random"));
        var batchCase = GenerationFixtures.Cases("gpt2-tiny-random").Single(c => c.Name == "batch_left_padded");
        var options = new GenerationOptions { MaxNewTokens = batchCase.MaxNewTokens, EosTokenIds = [] };
        for (var row = 0; row < batchCase.Prompts.Length; row++)
            Assert.Equal(batchCase.Expected[row], generator.Generate([batchCase.Prompts[row]], options)[0].TokenIds);
    }

    [Fact]
    public void CachedStepLogitsEqualAFullForwardOfThePrefix()
    {
        var parameters = GenerationFixtures.Load("gpt2-tiny-random");
        var decoder = new CachedCausalLm(parameters);
        int v = parameters.Config.VocabSize, t = 9;
        var random = new Random(5);
        var ids = Enumerable.Range(0, t).Select(_ => random.Next(v)).ToArray();
        var cache = decoder.CreateCache(1, t);
        var stepLogits = new float[v];
        var model = new TransformerModel(parameters, 1, t);
        var task = new TransformerTask(model, m => new CausalLmHead(m));
        // A 4-token prompt, then one token per step: after each, the logits equal the full forward's at that position.
        decoder.Forward(cache, ids.AsSpan(0, 4), [1, 1, 1, 1], 4, stepLogits);
        for (var length = 4; length <= t; length++)
        {
            if (length > 4) decoder.Forward(cache, ids.AsSpan(length - 1, 1), [1], 1, stepLogits);
            Assert.Equal(length, cache.Length);
            var full = task.Forward(new ModelBatch(1, length, ids[..length])).Slice((length - 1) * v, v);
            for (var i = 0; i < v; i++) Assert.True(Math.Abs(full[i] - stepLogits[i]) < 1e-4, $"length {length}, logit {i}: {full[i]} vs {stepLogits[i]}");
        }
    }

    [Fact]
    public void ModelsOtherThanGpt2AreRefusedClearly()
    {
        var bert = TransformerParameters.Create(SizePresets.Create("tiny", ModelFamily.Bert, vocabSize: 50), new HashSet<KeyGroup> { KeyGroup.Encoder });
        var error = Assert.Throws<NotSupportedException>(() => new TokenGenerator(bert));
        Assert.Contains("GPT-2", error.Message);
    }

    [Fact]
    public void PromptsBeyondThePositionTableAreRefusedBeforeAnyWork()
    {
        var generator = new TokenGenerator(GenerationFixtures.Load("gpt2"));
        var error = Assert.Throws<ArgumentException>(() => generator.Generate([new int[15]], new GenerationOptions { MaxNewTokens = 6 }));
        Assert.Contains("20 positions", error.Message);
        Assert.Throws<ArgumentException>(() => generator.Generate([Array.Empty<int>()]));
        Assert.Contains("vocabulary", Assert.Throws<ArgumentException>(() => generator.Generate([[48]])).Message);
    }
}
