// The process-wide knobs of the tensor engine: how many threads kernels may use.
// Deliberately tiny and static: kernels read it on every call, so changing it takes effect on the
// next kernel call without rebuilding anything. It is not a per-model or per-call option.
namespace LlmMlNet.Tensors;

/// <summary>Process-wide settings read by every parallel kernel of the engine.</summary>
public static class EngineSettings
{
    private static int _threads = Environment.ProcessorCount;

    /// <summary>
    /// Most threads a kernel may use (the calling thread counts as one). Defaults to
    /// <see cref="Environment.ProcessorCount"/>; may be changed at any time and is read at the start of
    /// each kernel call. Results are bit-identical run to run for a given value (and GEMM results do not
    /// depend on it at all), because work is split over outputs, never over a reduction.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value below 1.</exception>
    public static int Threads
    {
        get => Volatile.Read(ref _threads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _threads, value);
        }
    }
}
