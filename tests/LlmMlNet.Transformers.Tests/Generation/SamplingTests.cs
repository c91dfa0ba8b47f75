// Sampling as Hugging Face's warpers define it: reproducible with a seed (same seed same tokens,
// another seed other tokens), top-k = 1 and a tiny top-p collapse to greedy, temperature reshapes the
// distribution the draws follow (empirical frequencies against softmax(logits / T)), top-k keeps ties,
// top-p keeps the smallest head of the distribution that reaches p, and the repetition penalty divides
// positive logits and multiplies negative ones.
using LlmMlNet.Transformers.Generation;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Generation;

public sealed class SamplingTests
{
    private static readonly int[][] Prompts = [[5, 17, 99, 3], [250, 1]];

    private static TokenGenerator Generator() => new(GenerationFixtures.Load("gpt2-tiny-random"));

    private static IReadOnlyList<int>[] Run(TokenGenerator generator, GenerationOptions options) =>
        generator.Generate(Prompts, options with { MaxNewTokens = 16, EosTokenIds = [] }).Select(r => r.TokenIds).ToArray();

    [Fact]
    public void TheSameSeedGivesTheSameTokensAndAnotherSeedOthers()
    {
        var generator = Generator();
        var sampling = new GenerationOptions { DoSample = true, Seed = 7, TopK = 0 };
        var first = Run(generator, sampling);
        var again = Run(generator, sampling);
        var other = Run(generator, sampling with { Seed = 8 });
        for (var row = 0; row < Prompts.Length; row++) Assert.Equal(first[row], again[row]);
        Assert.False(first.Zip(other).All(p => p.First.SequenceEqual(p.Second)), "seeds 7 and 8 sampled the same tokens");
        var greedy = Run(generator, new GenerationOptions());
        Assert.False(first.Zip(greedy).All(p => p.First.SequenceEqual(p.Second)), "sampling at temperature 1 over the whole vocabulary equalled greedy");
    }

    [Fact]
    public void TopKOneAndATinyTopPAreGreedy()
    {
        var generator = Generator();
        var greedy = Run(generator, new GenerationOptions());
        var topK = Run(generator, new GenerationOptions { DoSample = true, TopK = 1, Seed = 3, Temperature = 5f });
        var topP = Run(generator, new GenerationOptions { DoSample = true, TopK = 0, TopP = 1e-6f, Seed = 4, Temperature = 5f });
        for (var row = 0; row < Prompts.Length; row++)
        {
            Assert.Equal(greedy[row], topK[row]);
            Assert.Equal(greedy[row], topP[row]);
        }
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    [InlineData(2f)]
    public void DrawsFollowTheSoftmaxOfTheLogitsOverTheTemperature(float temperature)
    {
        float[] logits = [1f, 2f, 0.5f, -1f, 2.5f];
        var probabilities = new float[logits.Length];
        var warped = logits.ToArray();
        LogitsProcessing.Temperature(warped, temperature);
        LogitsProcessing.Softmax(warped, probabilities);
        var expected = logits.Select(l => Math.Exp(l / temperature)).ToArray();
        var total = expected.Sum();
        const int draws = 40_000;
        var counts = new int[logits.Length];
        for (var i = 0; i < draws; i++) counts[LogitsProcessing.Sample(probabilities, Tensors.CounterRng.UniformDouble(11, 0, (ulong)i))]++;
        for (var k = 0; k < logits.Length; k++)
        {
            var p = expected[k] / total;
            Assert.Equal(p, probabilities[k], 5);
            // Four binomial standard deviations.
            Assert.InRange(counts[k] / (double)draws, p - 4 * Math.Sqrt(p * (1 - p) / draws), p + 4 * Math.Sqrt(p * (1 - p) / draws));
        }
        // A lower temperature sharpens: the most likely token gains probability.
        var top = probabilities[4];
        if (temperature < 1f) Assert.True(top > Math.Exp(2.5) / logits.Sum(l => Math.Exp(l)));
        if (temperature > 1f) Assert.True(top < Math.Exp(2.5) / logits.Sum(l => Math.Exp(l)));
    }

    [Fact]
    public void TopKKeepsTiesAndTopPKeepsTheSmallestHeadReachingP()
    {
        float[] logits = [3f, 1f, 3f, 2f, 0f, 2f];
        var scratch = new float[6];
        var topK = logits.ToArray();
        LogitsProcessing.TopK(topK, 3, scratch);
        // The third largest is 2 (3, 3, 2, 2): both 2s stay.
        Assert.Equal([3f, float.NegativeInfinity, 3f, 2f, float.NegativeInfinity, 2f], topK);

        // Probabilities 0.5, 0.3, 0.2: p = 0.75 keeps the first two (0.8 ≥ 0.75), p = 0.5 keeps only the first.
        float[] probs = [MathF.Log(0.3f), MathF.Log(0.5f), MathF.Log(0.2f)];
        var order = new int[3];
        var p75 = probs.ToArray();
        LogitsProcessing.TopP(p75, 0.75f, scratch, order);
        Assert.Equal([probs[0], probs[1], float.NegativeInfinity], p75);
        var p50 = probs.ToArray();
        LogitsProcessing.TopP(p50, 0.5f, scratch, order);
        Assert.Equal([float.NegativeInfinity, probs[1], float.NegativeInfinity], p50);
    }

    [Fact]
    public void RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens()
    {
        float[] logits = [2f, -2f, 2f, -2f];
        LogitsProcessing.RepetitionPenalty(logits, [true, true, false, false], 2f);
        Assert.Equal([1f, -4f, 2f, -2f], logits);
    }

    [Fact]
    public void BadOptionsAreRefusedWithTheirNames()
    {
        Assert.Contains("Temperature", Assert.Throws<ArgumentException>(() => new GenerationOptions { Temperature = 0 }.Validate()).Message);
        Assert.Contains("TopP", Assert.Throws<ArgumentException>(() => new GenerationOptions { TopP = 1.5f }.Validate()).Message);
        Assert.Contains("TopK", Assert.Throws<ArgumentException>(() => new GenerationOptions { TopK = -1 }.Validate()).Message);
        Assert.Contains("MaxNewTokens", Assert.Throws<ArgumentException>(() => new GenerationOptions { MaxNewTokens = -1 }.Validate()).Message);
        Assert.Contains("RepetitionPenalty", Assert.Throws<ArgumentException>(() => new GenerationOptions { RepetitionPenalty = 0 }.Validate()).Message);
    }
}
