// Which micro-kernel family a GEMM runs on, and the run-time choice of the best one this CPU supports.
// Deliberately internal: tests force each kind so every path is exercised on one machine; users only
// ever get the detected best.
using System.Runtime.Intrinsics;

namespace LlmMlNet.Tensors;

/// <summary>The SGEMM micro-kernel families.</summary>
internal enum GemmKernelKind
{
    /// <summary>System.Numerics.Vector, any platform.</summary>
    Portable,

    /// <summary>6x16 on AVX2 + FMA3.</summary>
    Avx2,

    /// <summary>12x32 on AVX-512F.</summary>
    Avx512,
}

/// <summary>Run-time detection of the kernel families.</summary>
internal static class GemmKernels
{
    /// <summary>The fastest family this machine supports, fixed at start-up.</summary>
    public static readonly GemmKernelKind Best =
        GemmKernelAvx512.IsSupported && Vector512.IsHardwareAccelerated ? GemmKernelKind.Avx512
        : GemmKernelAvx2.IsSupported ? GemmKernelKind.Avx2
        : GemmKernelKind.Portable;

    /// <summary>A short name of the family's micro-kernel, e.g. "AVX2/FMA 6x16".</summary>
    public static string Describe(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Avx512 => $"AVX-512 {GemmKernelAvx512.MR}x{GemmKernelAvx512.NR}",
        GemmKernelKind.Avx2 => $"AVX2/FMA {GemmKernelAvx2.MR}x{GemmKernelAvx2.NR}",
        _ => $"portable Vector<float> {GemmKernelPortable.MR}x{GemmKernelPortable.NR}",
    };

    /// <summary>Whether <paramref name="kind"/> can run here.</summary>
    public static bool IsSupported(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Avx512 => GemmKernelAvx512.IsSupported,
        GemmKernelKind.Avx2 => GemmKernelAvx2.IsSupported,
        _ => true,
    };
}
