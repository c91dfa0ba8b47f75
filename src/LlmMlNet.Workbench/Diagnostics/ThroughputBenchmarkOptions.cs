// Settings of one throughput measurement (`llmmlnet bench` and the `bert` benchmark suite): which preset,
// which step (inference, full training, LoRA), the batch shape, how many timed and warm-up steps, threads.
// Not the runner (ThroughputBenchmark) and not a trainer's options.
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Workbench.Diagnostics;

/// <summary>What a throughput run does: inference, a full training step, or a LoRA training step.</summary>
public enum ThroughputMode
{
    /// <summary>Forward only, eval mode (dropout off).</summary>
    Infer,

    /// <summary>Forward, cross-entropy loss, backward and one AdamW step over every parameter.</summary>
    Train,

    /// <summary>As <see cref="Train"/>, but only rank-8 LoRA on query and value plus the head train; the rest is frozen.</summary>
    Lora,
}

/// <summary>Settings of a <see cref="ThroughputBenchmark"/> run.</summary>
public sealed record ThroughputBenchmarkOptions
{
    /// <summary>Size preset (see <see cref="SizePresets.Names"/>). Default "mini".</summary>
    public string Preset { get; init; } = "mini";

    /// <summary>Model family. Default BERT.</summary>
    public ModelFamily Family { get; init; } = ModelFamily.Bert;

    /// <summary>The step timed. Default <see cref="ThroughputMode.Infer"/>.</summary>
    public ThroughputMode Mode { get; init; } = ThroughputMode.Infer;

    /// <summary>Sequences per step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Tokens per sequence (every token real). Default 128.</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Timed steps; the reported throughput is their median. Default 5.</summary>
    public int Steps { get; init; } = 5;

    /// <summary>Untimed steps before the timed ones (JIT, caches, first-touch of buffers). Default 2.</summary>
    public int Warmup { get; init; } = 2;

    /// <summary>Engine threads (<see cref="Tensors.EngineSettings.Threads"/>) during the run. Default 2.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>
    /// Dropout probability of the model and head during training steps. Default 0.1 (the presets'); 0 matches
    /// the PyTorch peer script, whose model has no dropout layers.
    /// </summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>LoRA rank in <see cref="ThroughputMode.Lora"/>. Default 8.</summary>
    public int LoraRank { get; init; } = 8;

    /// <summary>LoRA alpha in <see cref="ThroughputMode.Lora"/>. Default 16 (the PyTorch peer's).</summary>
    public float LoraAlpha { get; init; } = 16f;

    /// <summary>Seed of the weights, ids and labels. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Whether the timed steps also account kernel time by category (<see cref="Tensors.Diagnostics.KernelProfile"/>)
    /// into <see cref="ThroughputBenchmarkResult.KernelMs"/>. Default false (the timing scopes cost a little).
    /// </summary>
    public bool Profile { get; init; }

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A size, count or probability is out of range, naming the field.</exception>
    public ThroughputBenchmarkOptions Validate()
    {
        if (!SizePresets.Names.Contains(Preset, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"Preset '{Preset}' is unknown; choose one of {string.Join(", ", SizePresets.Names)}.", nameof(Preset));
        Positive(BatchSize, nameof(BatchSize));
        Positive(MaxLength, nameof(MaxLength));
        Positive(Steps, nameof(Steps));
        Positive(Threads, nameof(Threads));
        Positive(LoraRank, nameof(LoraRank));
        if (Warmup < 0) throw new ArgumentException($"Warmup must be at least 0, got {Warmup}.", nameof(Warmup));
        if (MaxLength > SizePresets.MaxTokens)
            throw new ArgumentException($"MaxLength must be at most {SizePresets.MaxTokens}, got {MaxLength}.", nameof(MaxLength));
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"Dropout must be in [0, 1), got {Dropout}.", nameof(Dropout));
        return this;
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}.", name);
    }
}
