// The throughput runner behind `llmmlnet bench`: every mode runs a real step on a tiny preset, counts
// the parameters that train (LoRA: A and B of query and value plus the BERT pooler and classifier),
// reports consistent timings, restores the engine's thread setting and rejects bad options up front.
using LlmMlNet.Tensors;
using LlmMlNet.Workbench.Diagnostics;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Diagnostics;

public sealed class ThroughputBenchmarkTests
{
    private static ThroughputBenchmarkOptions Tiny(ThroughputMode mode) => new()
    {
        Preset = "tiny", Mode = mode, BatchSize = 2, MaxLength = 8, Steps = 2, Warmup = 1, Threads = 1,
    };

    [Fact]
    public void InferenceReportsThroughputAndNoTrainableParameters()
    {
        var threads = EngineSettings.Threads;
        var result = ThroughputBenchmark.Run(Tiny(ThroughputMode.Infer));
        Assert.Equal(threads, EngineSettings.Threads);
        Assert.Equal("infer", result.Mode);
        Assert.Equal(0, result.TrainableParameters);
        Assert.Equal(2, result.StepMsAll.Count);
        Assert.InRange(result.StepMs, result.StepMsAll.Min(), result.StepMsAll.Max());
        Assert.Equal(2 * 8 / (result.StepMs / 1000), result.TokensPerSecond, 6);
        Assert.True(result.PeakMemoryMb > 0);
        Assert.True(double.IsNaN(result.Loss));
        Assert.Contains("\"tokens_per_second\":", result.ToJson());
    }

    [Fact]
    public void TrainingCountsEveryParameterAndLoraOnlyAdapterAndHead()
    {
        var train = ThroughputBenchmark.Run(Tiny(ThroughputMode.Train));
        // tiny: 2 layers, hidden 128, FFN 512, vocab 30522, 512 positions, 2 token types, pooler and a 2-class classifier.
        const long c = 128, f = 512;
        long embeddings = (30522 + 512 + 2) * c + 2 * c;
        long block = 4 * (c * c + c) + (c * f + f) + (f * c + c) + 4 * c;
        long head = (c * c + c) + (2 * c + 2);
        Assert.Equal(embeddings + 2 * block + head, train.TrainableParameters);
        Assert.True(double.IsFinite(train.Loss) && train.Loss > 0);

        var lora = ThroughputBenchmark.Run(Tiny(ThroughputMode.Lora));
        Assert.Equal(2 * 2 * 8 * (c + c) + head, lora.TrainableParameters);
        Assert.True(double.IsFinite(lora.Loss) && lora.Loss > 0);
    }

    [Fact]
    public void BadOptionsThrowNamingTheField()
    {
        Assert.Equal("Preset", Assert.Throws<ArgumentException>(() => ThroughputBenchmark.Run(new ThroughputBenchmarkOptions { Preset = "huge" })).ParamName);
        Assert.Equal("Steps", Assert.Throws<ArgumentException>(() => ThroughputBenchmark.Run(new ThroughputBenchmarkOptions { Steps = 0 })).ParamName);
        Assert.Equal("MaxLength", Assert.Throws<ArgumentException>(() => ThroughputBenchmark.Run(new ThroughputBenchmarkOptions { MaxLength = 513 })).ParamName);
    }
}
