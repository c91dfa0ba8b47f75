// The outcome of one throughput run, shaped as `llmmlnet bench --json` prints it (snake_case names are
// the JSON contract, set here once). Not the runner and not a formatter for tables.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmMlNet.Workbench.Diagnostics;

/// <summary>Throughput, step time and memory of one <see cref="ThroughputBenchmark"/> run.</summary>
/// <param name="Engine">"llmmlnet".</param>
/// <param name="Preset">The size preset.</param>
/// <param name="Mode">"infer", "train" or "lora".</param>
/// <param name="Threads">Engine threads.</param>
/// <param name="BatchSize">Sequences per step.</param>
/// <param name="MaxLength">Tokens per sequence.</param>
/// <param name="TokensPerSecond">Batch tokens divided by the median step time.</param>
/// <param name="StepMs">Median step time in milliseconds.</param>
/// <param name="StepMsAll">Every timed step, in order, in milliseconds.</param>
/// <param name="PeakMemoryMb">
/// The process's peak resident set (Linux VmHWM) in MiB at the end of the run: the whole process, runtime,
/// weights and earlier work included, which is what PyTorch's ru_maxrss reports for the peer script.
/// </param>
/// <param name="TrainableParameters">Parameters that get gradients (0 for inference).</param>
/// <param name="TotalParameters">Every parameter of the model, head and adapter.</param>
/// <param name="Loss">Loss of the last step (NaN for inference): a sanity value, not a metric.</param>
/// <param name="KernelMs">
/// With <see cref="ThroughputBenchmarkOptions.Profile"/>: milliseconds per timed step in each kernel category
/// (lower-case names, e.g. "gemm", "softmax"), plus "other" for the rest of the step; otherwise null.
/// </param>
/// <param name="CpuStepMs">
/// Median CPU time of the whole process per timed step, all threads together (10 ms resolution): on a machine
/// shared with other load it counts only the time this process ran, so CPU-time throughput compares engines
/// there when wall time cannot. NaN when not measured.
/// </param>
public sealed record ThroughputBenchmarkResult(
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("preset")] string Preset,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("max_length")] int MaxLength,
    [property: JsonPropertyName("tokens_per_second")] double TokensPerSecond,
    [property: JsonPropertyName("step_ms")] double StepMs,
    [property: JsonPropertyName("step_ms_all")] IReadOnlyList<double> StepMsAll,
    [property: JsonPropertyName("peak_memory_mb")] double PeakMemoryMb,
    [property: JsonPropertyName("trainable_parameters")] long TrainableParameters,
    [property: JsonPropertyName("total_parameters")] long TotalParameters,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("kernel_ms")] IReadOnlyDictionary<string, double>? KernelMs = null,
    [property: JsonPropertyName("cpu_step_ms")] double CpuStepMs = double.NaN)
{
    private static readonly JsonSerializerOptions Compact = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>One-line JSON object with the snake_case names above (NaN loss printed as "NaN").</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Compact);
}
