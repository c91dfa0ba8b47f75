// Opt-in wall-clock accounting of the engine's kernels by category (GEMM, softmax, LayerNorm, ...), so a
// benchmark can print where a training step's time goes. Off by default: a disabled scope costs one
// static read. Not a general profiler: only the outermost kernel call open anywhere in the process is
// timed (nested or concurrent calls are part of it), and time outside kernels is the caller's to derive.
using System.Diagnostics;

namespace LlmMlNet.Tensors.Diagnostics;

/// <summary>The kinds of kernel <see cref="KernelProfile"/> accounts separately.</summary>
public enum KernelCategory
{
    /// <summary>Matrix products (<see cref="Gemm"/>), batched ones included.</summary>
    Gemm,

    /// <summary>Masked softmax forward and backward (attention probabilities).</summary>
    Softmax,

    /// <summary>LayerNorm forward and backward, fused residual additions included.</summary>
    LayerNorm,

    /// <summary>GELU, ReLU, tanh and their cached-derivative backward, fused bias additions included.</summary>
    Activation,

    /// <summary>Stand-alone bias additions and bias gradients.</summary>
    Bias,

    /// <summary>Residual additions and dropout.</summary>
    Elementwise,

    /// <summary>Head split/merge copies of attention.</summary>
    Layout,

    /// <summary>Embedding gathers and scatters.</summary>
    Embedding,

    /// <summary>Cross-entropy loss forward and backward.</summary>
    Loss,

    /// <summary>AdamW updates and gradient clipping.</summary>
    Optimizer,
}

/// <summary>Process-wide per-category kernel time, collected while <see cref="Enabled"/> is true.</summary>
public static class KernelProfile
{
    private static readonly long[] Ticks = new long[Enum.GetValues<KernelCategory>().Length];
    private static readonly long[] Calls = new long[Ticks.Length];
    private static int _open;

    /// <summary>Whether kernel calls are timed (default false). Set it before the work to measure.</summary>
    public static bool Enabled { get; set; }

    /// <summary>Forgets every time and call counted so far.</summary>
    public static void Reset()
    {
        Array.Clear(Ticks);
        Array.Clear(Calls);
    }

    /// <summary>Total time and number of calls per category since the last <see cref="Reset"/>.</summary>
    public static IReadOnlyDictionary<KernelCategory, (TimeSpan Time, long Calls)> Snapshot()
        => Enum.GetValues<KernelCategory>().ToDictionary(c => c,
            c => (TimeSpan.FromSeconds(Interlocked.Read(ref Ticks[(int)c]) / (double)Stopwatch.Frequency), Interlocked.Read(ref Calls[(int)c])));

    /// <summary>Opens a timed scope for one kernel call; dispose it when the call ends (a no-op while disabled).</summary>
    internal static Scope Time(KernelCategory category)
    {
        if (!Enabled) return default;
        // Only the outermost scope open in the process times: a GEMM inside another kernel, or one on a pool
        // worker while the caller's kernel runs, is already inside that kernel's time.
        if (Interlocked.Increment(ref _open) != 1)
        {
            Interlocked.Decrement(ref _open);
            return default;
        }
        return new Scope(category, Stopwatch.GetTimestamp());
    }

    /// <summary>One timed kernel call.</summary>
    internal readonly struct Scope(KernelCategory category, long start) : IDisposable
    {
        /// <summary>Adds the elapsed time to the category (nothing for a scope that was not timing).</summary>
        public void Dispose()
        {
            if (start == 0) return;
            Interlocked.Add(ref Ticks[(int)category], Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref Calls[(int)category]);
            Interlocked.Decrement(ref _open);
        }
    }
}
