// Dynamic masking rates (15%, 80/10/10), special tokens and padding never masked, whole words
// masked together, determinism by (seed, micro-batch); CLM shifting with padding ignored.
using LlmMlNet.Transformers.Training;
using Xunit;
using static LlmMlNet.Transformers.Tests.Training.TrainingTestSupport;

namespace LlmMlNet.Transformers.Tests.Training;

public sealed class MaskingAndCollationTests
{
    private const int Vocabulary = 1000;

    [Fact]
    public void SelectsFifteenPercentAndSplitsEightyTenTen()
    {
        var blocks = Enumerable.Range(0, 200).Select(b => new TokenBlock(
            Enumerable.Range(0, 100).Select(t => t == 0 ? Cls : t == 99 ? Sep : FirstWord + (b * 100 + t) % 900).ToArray())).ToList();
        var batch = MlmCollator(Vocabulary).Collate(blocks, new BatchContext(0, 0, 0, 1));
        int eligible = 200 * 98, selected = 0, masked = 0, kept = 0;
        for (int i = 0; i < batch.Targets.Length; i++)
        {
            int original = blocks[i / 100].Ids[i % 100];
            if (original is Cls or Sep)
            {
                Assert.Equal(LanguageModelBatch.IgnoreTarget, batch.Targets[i]);
                Assert.Equal(original, batch.InputIds[i]);
                continue;
            }
            if (batch.Targets[i] == LanguageModelBatch.IgnoreTarget) { Assert.Equal(original, batch.InputIds[i]); continue; }
            Assert.Equal(original, batch.Targets[i]);
            selected++;
            if (batch.InputIds[i] == Mask) masked++;
            else if (batch.InputIds[i] == original) kept++;
        }
        // 19,600 Bernoulli(0.15) draws: standard deviation ≈ 50, so ±300 is a six-sigma band.
        Assert.InRange(selected, 0.15 * eligible - 300, 0.15 * eligible + 300);
        Assert.InRange(masked / (double)selected, 0.77, 0.83);
        Assert.InRange(kept / (double)selected, 0.08, 0.125);
        Assert.All(blocks[0].Ids.Skip(1).Take(98), id => Assert.True(id >= FirstWord)); // the source blocks are untouched
    }

    [Fact]
    public void MasksAreDeterministicPerMicroBatchAndPaddingIsNeverSelected()
    {
        var blocks = new List<TokenBlock> { new(Enumerable.Range(FirstWord, 60).ToArray()), new(Enumerable.Range(FirstWord, 20).ToArray()) };
        var collator = MlmCollator(Vocabulary, new MaskingOptions { MaskProbability = 0.5 });
        var a = collator.Collate(blocks, new BatchContext(0, 3, 17, 5));
        var b = collator.Collate(blocks, new BatchContext(0, 3, 17, 5));
        var c = collator.Collate(blocks, new BatchContext(1, 3, 18, 5));
        Assert.Equal(a.InputIds, b.InputIds);
        Assert.Equal(a.Targets, b.Targets);
        Assert.NotEqual(a.Targets, c.Targets);
        for (int t = 20; t < 60; t++)
        {
            Assert.Equal(0, a.AttentionMask[60 + t]);
            Assert.Equal(Pad, a.InputIds[60 + t]);
            Assert.Equal(LanguageModelBatch.IgnoreTarget, a.Targets[60 + t]);
        }
    }

    [Fact]
    public void WholeWordMaskingSelectsEveryPieceOfAWord()
    {
        // Words of three pieces: a start followed by two continuations.
        var ids = Enumerable.Range(0, 300).Select(i => FirstWord + i % 500).ToArray();
        var continues = Enumerable.Range(0, 300).Select(i => i % 3 != 0).ToArray();
        var batch = MlmCollator(Vocabulary, new MaskingOptions { WholeWordMasking = true })
            .Collate([new TokenBlock(ids, continues)], new BatchContext(0, 0, 2, 3));
        int words = 0;
        for (int w = 0; w < 300; w += 3)
        {
            var selected = Enumerable.Range(w, 3).Select(i => batch.Targets[i] != LanguageModelBatch.IgnoreTarget).ToArray();
            Assert.True(selected.All(s => s) || selected.All(s => !s), $"word at {w} is partly selected");
            if (selected[0]) words++;
        }
        Assert.InRange(words, 5, 30);
    }

    [Fact]
    public void CausalTargetsAreTheNextTokenAndPaddingHasNone()
    {
        var batch = new CausalLanguageModelCollator(Pad).Collate([new TokenBlock([5, 6, 7, 8]), new TokenBlock([9, 10])], default);
        Assert.Equal([5, 6, 7, 8, 9, 10, Pad, Pad], batch.InputIds);
        Assert.Equal([1, 1, 1, 1, 1, 1, 0, 0], batch.AttentionMask);
        Assert.Equal([6, 7, 8, -100, 10, -100, -100, -100], batch.Targets);
        Assert.Equal(3 + 1, batch.TargetCount);
    }

    [Fact]
    public void MaskingOptionsAreValidated()
    {
        Assert.Contains("MaskProbability", Assert.Throws<ArgumentException>(() => new MaskingOptions { MaskProbability = 1.5 }.Validate()).Message);
        Assert.Contains("RandomTokenShare", Assert.Throws<ArgumentException>(() => new MaskingOptions { MaskTokenShare = 0.95, RandomTokenShare = 0.1 }.Validate()).Message);
        Assert.Contains("maskTokenId", Assert.Throws<ArgumentException>(() => new MlmMasking(new MaskingOptions(), 50, 40, [])).Message);
    }
}
