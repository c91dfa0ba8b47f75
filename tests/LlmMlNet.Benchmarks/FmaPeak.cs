// Measures this core's fp32 FMA peak by running independent FMA chains out of registers, for the `gemm`
// suite's "% of peak" column: the clock the cores really run at (turbo, a VM's share) is not knowable
// from /proc/cpuinfo. Not a GEMM; best of several short runs by process CPU time, since other load only slows it.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmMlNet.Benchmarks;

/// <summary>Measured single-core FMA throughput in GFLOP/s (256-bit FMA3, and 512-bit where enabled).</summary>
public static class FmaPeak
{
    private const long Iterations = 20_000_000;

    /// <summary>Best of <paramref name="reps"/> runs of 12 independent 256-bit FMA chains; 0 without FMA3.</summary>
    public static double Avx2(int reps = 5) => Fma.IsSupported ? Best(reps, 8, () => Loop256(Iterations)) : 0;

    /// <summary>Best of <paramref name="reps"/> runs of 12 independent 512-bit FMA chains; 0 when AVX-512 is off.</summary>
    public static double Avx512(int reps = 5)
        => Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? Best(reps, 16, () => Loop512(Iterations)) : 0;

    /// <summary>
    /// CPU seconds of the whole process (clock_gettime(CLOCK_PROCESS_CPUTIME_ID), nanoseconds; Process.TotalProcessorTime
    /// has 10 ms ticks): time this process was not scheduled does not count, so a loaded machine still gives its speed.
    /// Elsewhere than Linux, the wall clock.
    /// </summary>
    public static double ProcessCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        ClockGetTime(2, out var spec);
        return spec.Seconds + spec.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec value);

    private static double Best(int reps, int lanes, Func<float> loop)
    {
        double best = 0;
        for (int r = 0; r < reps; r++)
        {
            double start = ProcessCpuSeconds();
            float sink = loop();
            double seconds = ProcessCpuSeconds() - start;
            if (sink == 42f) Console.Write(' ');
            best = Math.Max(best, Iterations * 12.0 * lanes * 2 / seconds / 1e9);
        }
        return best;
    }

    private static float Loop256(long iterations) => Loop<Ymm, Vector256<float>>(iterations);

    private static float Loop512(long iterations) => Loop<Zmm, Vector512<float>>(iterations);

    // Twelve accumulators cover the FMA latency (4-5 cycles) times two pipes; no call inside the loop, so they stay in registers.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop<TOps, TVector>(long iterations) where TOps : IFmaOps<TVector> where TVector : struct
    {
        TVector a = TOps.Create(1.0000001f), b = TOps.Create(0.9999999f);
        TVector c0 = TOps.Create(0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = TOps.Fma(a, b, c0); c1 = TOps.Fma(a, b, c1); c2 = TOps.Fma(a, b, c2); c3 = TOps.Fma(a, b, c3);
            c4 = TOps.Fma(a, b, c4); c5 = TOps.Fma(a, b, c5); c6 = TOps.Fma(a, b, c6); c7 = TOps.Fma(a, b, c7);
            c8 = TOps.Fma(a, b, c8); c9 = TOps.Fma(a, b, c9); c10 = TOps.Fma(a, b, c10); c11 = TOps.Fma(a, b, c11);
        }
        return TOps.First(TOps.Fma(c0, c1, TOps.Fma(c2, c3, TOps.Fma(c4, c5, TOps.Fma(c6, c7, TOps.Fma(c8, c9, TOps.Fma(c10, c11, a)))))));
    }

    private interface IFmaOps<TVector>
    {
        static abstract TVector Create(float value);

        static abstract TVector Fma(TVector a, TVector b, TVector c);

        static abstract float First(TVector v);
    }

    private readonly struct Ymm : IFmaOps<Vector256<float>>
    {
        public static Vector256<float> Create(float value) => Vector256.Create(value);

        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c);

        public static float First(Vector256<float> v) => v.GetElement(0);
    }

    private readonly struct Zmm : IFmaOps<Vector512<float>>
    {
        public static Vector512<float> Create(float value) => Vector512.Create(value);

        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, b, c);

        public static float First(Vector512<float> v) => v.GetElement(0);
    }
}
