// Shared helpers for the trainer tests: a bigram-structured synthetic token corpus, a synchronous
// IProgress, a temporary folder, and bitwise parameter comparison. Not production code.
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Training;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Training;

internal static class TrainingTestSupport
{
    public const int Pad = 0, Cls = 1, Sep = 2, Mask = 3, FirstWord = 4;

    /// <summary>Blocks whose next token follows a fixed permutation 90% of the time (learnable structure).</summary>
    public static List<TokenBlock> BigramBlocks(int count, int length, int vocabulary, ulong seed = 7)
    {
        int words = vocabulary - FirstWord;
        var blocks = new List<TokenBlock>(count);
        ulong counter = 0;
        for (int b = 0; b < count; b++)
        {
            var ids = new int[length];
            int current = (int)(CounterRng.Hash(seed, 1, counter++) % (ulong)words);
            for (int t = 0; t < length; t++)
            {
                ids[t] = FirstWord + current;
                bool follow = CounterRng.UniformDouble(seed, 2, counter++) < 0.9;
                current = follow ? (current * 5 + 3) % words : (int)(CounterRng.Hash(seed, 3, counter++) % (ulong)words);
            }
            blocks.Add(new TokenBlock(ids));
        }
        return blocks;
    }

    public static MaskedLanguageModelCollator MlmCollator(int vocabulary, MaskingOptions? options = null)
        => new(new MlmMasking(options ?? new MaskingOptions(), Mask, vocabulary, [Pad, Cls, Sep]), Pad);

    public static void AssertBitIdentical(ParameterSet expected, ParameterSet actual)
    {
        Assert.Equal(expected.Values.Length, actual.Values.Length);
        for (int i = 0; i < expected.Values.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected.Values[i]) != BitConverter.SingleToInt32Bits(actual.Values[i]))
                Assert.Fail($"Parameter element {i} differs: {expected.Values[i]:R} vs {actual.Values[i]:R}.");
        Assert.Equal(expected.FirstMoments, actual.FirstMoments);
        Assert.Equal(expected.SecondMoments, actual.SecondMoments);
    }

    /// <summary>
    /// Compares <paramref name="analytic"/> gradients with central differences of <paramref name="loss"/> (step 1e-2, about seven
    /// elements per tensor) within <paramref name="absolute"/> + 2% relative; returns how many elements were checked.
    /// </summary>
    public static int AssertMatchesFiniteDifferences(ParameterSet parameters, float[] analytic, Func<double> loss, double absolute)
    {
        const float h = 1e-2f;
        var values = parameters.Values;
        int checkedCount = 0;
        foreach (var tensor in parameters.Layout.Tensors)
            for (int k = 0; k < tensor.Length; k += Math.Max(1, tensor.Length / 7))
            {
                int i = tensor.Offset + k;
                float saved = values[i];
                values[i] = saved + h;
                double plus = loss();
                values[i] = saved - h;
                double minus = loss();
                values[i] = saved;
                double numeric = (plus - minus) / (2.0 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= absolute + 0.02 * Math.Abs(numeric), $"{tensor.Name}[{k}]: analytic {analytic[i]}, numeric {numeric}");
                checkedCount++;
            }
        return checkedCount;
    }

    public sealed class SyncProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onReport(value);
    }

    public sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(Path);
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmmlnet-training-" + Guid.NewGuid().ToString("N"));
        public void Dispose()
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
    }
}
