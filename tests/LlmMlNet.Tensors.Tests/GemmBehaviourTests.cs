// SGEMM properties beyond accuracy: bit-exact determinism across runs and thread counts, argument
// validation before any work, kernel detection, and no managed allocation per call after warm-up.
// The allocation test runs in a non-parallel collection so other tests' allocations do not count.
using LlmMlNet.Tensors;
using Xunit;

namespace LlmMlNet.Tensors.Tests;

public class GemmBehaviourTests
{
    [Theory]
    [MemberData(nameof(GemmTests.Kernels), MemberType = typeof(GemmTests))]
    public void Same_inputs_give_bit_identical_outputs_twice_and_for_one_or_two_threads(string kernelName)
    {
        GemmKernelKind kernel = GemmTests.Kind(kernelName);
        var rng = new Random(21);
        // Big enough (2·m·n·k over the parallel threshold) to be split into several tiles on 2 threads.
        int m = 301, n = 299, k = 270;
        float[] a = GemmTests.Random(rng, m * k), b = GemmTests.Random(rng, n * k);
        float[] once = new float[m * n], twice = new float[m * n], oneThread = new float[m * n];
        Gemm.Sgemm(kernel, 2, false, true, m, n, k, 1f, a, k, b, k, 0f, once, n);
        Gemm.Sgemm(kernel, 2, false, true, m, n, k, 1f, a, k, b, k, 0f, twice, n);
        Gemm.Sgemm(kernel, 1, false, true, m, n, k, 1f, a, k, b, k, 0f, oneThread, n);
        Assert.Equal(once, twice);
        Assert.Equal(once, oneThread);
    }

    [Theory]
    [MemberData(nameof(GemmTests.Kernels), MemberType = typeof(GemmTests))]
    public void Split_K_products_are_bit_identical_for_one_two_or_three_threads(string kernelName)
    {
        // A weight-gradient shape (K deep, C small): K is cut in two by shape, never by thread count.
        GemmKernelKind kernel = GemmTests.Kind(kernelName);
        var rng = new Random(23);
        int m = 61, n = 100, k = 4096;
        Assert.True(GemmDriver<GemmKernelPortable>.SplitsK(m, n, k));
        float[] a = GemmTests.Random(rng, k * m), b = GemmTests.Random(rng, k * n), start = GemmTests.Random(rng, m * n);
        float[] oneThread = (float[])start.Clone();
        Gemm.Sgemm(kernel, 1, true, false, m, n, k, 1f, a, m, b, n, 1f, oneThread, n);
        foreach (int threads in new[] { 2, 3 })
        {
            float[] c = (float[])start.Clone();
            Gemm.Sgemm(kernel, threads, true, false, m, n, k, 1f, a, m, b, n, 1f, c, n);
            Assert.Equal(oneThread, c);
        }
    }

    [Fact]
    public void Reports_the_kernel_this_machine_supports()
    {
        Assert.True(GemmKernels.IsSupported(GemmKernels.Best));
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported && System.Runtime.Intrinsics.X86.Avx2.IsSupported)
            Assert.NotEqual(GemmKernelKind.Portable, GemmKernels.Best);
    }

    [Fact]
    public void Rejects_bad_arguments_naming_them_before_touching_c()
    {
        var c = new float[] { 42, 42, 42, 42 };
        float[] a6 = new float[6], b6 = new float[6];
        AssertRejects("m", () => Gemm.Sgemm(false, false, -1, 2, 3, 1f, a6, 3, b6, 2, 0f, c, 2));
        AssertRejects("k", () => Gemm.Sgemm(false, false, 2, 2, -3, 1f, a6, 3, b6, 2, 0f, c, 2));
        AssertRejects("lda", () => Gemm.Sgemm(false, false, 2, 2, 3, 1f, a6, 2, b6, 2, 0f, c, 2));
        AssertRejects("lda", () => Gemm.Sgemm(true, false, 2, 2, 3, 1f, a6, 1, b6, 2, 0f, c, 2));
        AssertRejects("b", () => Gemm.Sgemm(false, false, 2, 2, 3, 1f, a6, 3, new float[5], 2, 0f, c, 2));
        AssertRejects("ldb", () => Gemm.Sgemm(false, true, 2, 2, 3, 1f, a6, 3, b6, 2, 0f, c, 2));
        AssertRejects("c", () => Gemm.Sgemm(false, false, 2, 2, 3, 1f, a6, 3, b6, 2, 0f, new float[3], 2));
        AssertRejects("ldc", () => Gemm.Sgemm(false, false, 2, 2, 3, 1f, a6, 3, b6, 2, 0f, c, 1));
        AssertRejects("batchCount", () => Gemm.SgemmStridedBatched(false, false, 2, 2, 3, 1f, a6, 3, 6, b6, 2, 6, 0f, c, 2, 4, -1));
        AssertRejects("strideA", () => Gemm.SgemmStridedBatched(false, false, 2, 2, 3, 1f, a6, 3, -6, b6, 2, 6, 0f, c, 2, 4, 1));
        AssertRejects("a", () => Gemm.SgemmStridedBatched(false, false, 2, 2, 3, 1f, a6, 3, 6, b6, 2, 0, 0f, c, 2, 0, 2));
        var wide = new float[16];
        Array.Fill(wide, 42f);
        AssertRejects("strideC", () => Gemm.SgemmStridedBatched(false, false, 2, 2, 3, 1f, a6, 3, 0, b6, 2, 0, 0f, wide, 2, 3, 2));
        Assert.All(wide, v => Assert.Equal(42f, v));
        AssertRejects("c", () => Gemm.SgemmStridedBatched(false, false, 2, 2, 3, 1f, a6, 3, 0, b6, 2, 0, 0f, c, 2, 4, 2));
        Assert.All(c, v => Assert.Equal(42f, v));

        static void AssertRejects(string name, Action call)
            => Assert.Equal(name, Assert.ThrowsAny<ArgumentException>(call).ParamName);
    }
}

[CollectionDefinition(nameof(AllocationSensitive), DisableParallelization = true)]
public sealed class AllocationSensitive;

[Collection(nameof(AllocationSensitive))]
public class GemmAllocationTests
{
    [Fact]
    public void A_warm_parallel_gemm_allocates_nothing_on_the_caller_or_the_workers()
    {
        var rng = new Random(1);
        int m = 200, n = 190, k = 180;
        float[] a = GemmTests.Random(rng, m * k), b = GemmTests.Random(rng, k * n), c = new float[m * n];
        float[] batchA = GemmTests.Random(rng, 8 * 64 * 32), batchB = GemmTests.Random(rng, 8 * 32 * 64), batchC = new float[8 * 64 * 64];
        void Work()
        {
            Gemm.Sgemm(GemmKernels.Best, 2, false, true, m, n, k, 1f, a, k, b, k, 0f, c, n);
            Gemm.Sgemm(GemmKernels.Best, 2, true, false, m, n, k, 1f, a, m, b, n, 1f, c, n);
            Gemm.SgemmStridedBatched(GemmKernels.Best, 2, false, false, 64, 64, 32, 1f, batchA, 32, 64 * 32, batchB, 64, 32 * 64,
                0f, batchC, 64, 64 * 64, 8);
        }
        // Warm-up starts the workers and gives every thread its packing buffers.
        for (int i = 0; i < 5; i++) Work();
        var (bestCaller, bestProcess) = ParallelAllocationProbe.QuietestWindow(Work, 5);
        Assert.Equal(0, bestCaller);
        Assert.Equal(0, bestProcess);
        Assert.True(ComputePool.WorkerCount >= 1);
    }
}
