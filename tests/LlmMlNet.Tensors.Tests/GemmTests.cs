// Fast SGEMM vs the naive GemmReference on awkward shapes, every transpose pair, alpha/beta, padded leading
// dimensions, strided batches, each kernel family forced in turn and 1 or 2 threads.
// Tolerance: |ours - reference| <= 2·k·eps·|alpha|·max|a|·max|b| + 2·eps·|beta|·max|c| (+ a denormal floor),
// the classic bound for a k-term dot product; reference sums in double.
using LlmMlNet.Tensors;
using Xunit;

namespace LlmMlNet.Tensors.Tests;

public class GemmTests
{
    /// <summary>Names of the kernel families this machine can run (theory data must be public, the enum is internal).</summary>
    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (GemmKernelKind kind in Enum.GetValues<GemmKernelKind>())
            if (GemmKernels.IsSupported(kind)) data.Add(kind.ToString());
        return data;
    }

    internal static GemmKernelKind Kind(string name) => Enum.Parse<GemmKernelKind>(name);

    // m, n, k: zeros, ones, primes around the 12/6/4-row and 32/16-column micro-tiles, 63/64/65, K past the
    // 256-deep K block (255, 257, 300), a product big enough to go parallel, and n past the 2048-column block.
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (0, 5, 3), (5, 0, 3), (4, 5, 0), (1, 1, 1), (7, 17, 63), (17, 7, 65), (63, 64, 17), (64, 65, 255),
        (65, 63, 257), (1, 257, 7), (257, 1, 64), (255, 17, 1), (13, 31, 300), (257, 255, 65), (5, 2100, 9),
    ];

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Matches_the_reference_on_awkward_shapes_for_every_transpose_and_thread_count(string kernelName)
    {
        GemmKernelKind kernel = GemmTests.Kind(kernelName);
        var rng = new Random(7);
        foreach (var (m, n, k) in Shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (int threads in new[] { 1, 2 })
                        CheckOne(kernel, threads, ta, tb, m, n, k, 1f, 0f, pad: 0, rng);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Applies_alpha_and_beta_with_padded_leading_dimensions(string kernelName)
    {
        GemmKernelKind kernel = GemmTests.Kind(kernelName);
        var rng = new Random(11);
        foreach (var (alpha, beta) in new[] { (0.5f, 1f), (-1.25f, 0.75f), (2f, -1f), (0f, 0.5f), (1f, 0f) })
            foreach (var (m, n, k) in new[] { (7, 17, 63), (65, 63, 257), (257, 1, 64), (3, 4, 0) })
                foreach (bool ta in new[] { false, true })
                    foreach (bool tb in new[] { false, true })
                        CheckOne(kernel, 2, ta, tb, m, n, k, alpha, beta, pad: 5, rng);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Beta_zero_overwrites_nan_in_c(string kernelName)
    {
        GemmKernelKind kernel = GemmTests.Kind(kernelName);
        foreach (var (m, n, k) in new[] { (13, 37, 9), (4, 4, 0), (12, 32, 5) })
        {
            float[] a = Filled(m * k, 1), b = Filled(k * n, 2), c = new float[m * n];
            Array.Fill(c, float.NaN);
            Gemm.Sgemm(kernel, 1, false, false, m, n, k, 1f, a, Math.Max(1, k), b, n, 0f, c, n);
            Assert.All(c, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Strided_batches_match_the_reference_entry_by_entry(string kernelName)
    {
        GemmKernelKind kernel = GemmTests.Kind(kernelName);
        var rng = new Random(3);
        // Small entries go parallel over the batch; three 130^3 entries make each product parallel instead.
        foreach (var (m, n, k, batch) in new[] { (17, 33, 9, 5), (12, 32, 64, 8), (130, 130, 130, 3) })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (int threads in new[] { 1, 2 })
                    {
                        int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
                        long strideA = (long)(ta ? k : m) * lda + 7, strideB = (long)(tb ? n : k) * ldb, strideC = (long)m * ldc + 1;
                        float[] a = Random(rng, (int)(strideA * batch)), b = Random(rng, (int)(strideB * batch));
                        float[] c = Random(rng, (int)(strideC * batch)), expected = (float[])c.Clone();
                        Gemm.SgemmStridedBatched(kernel, threads, ta, tb, m, n, k, 0.75f, a, lda, strideA, b, ldb, strideB,
                            0.5f, c, ldc, strideC, batch);
                        for (int i = 0; i < batch; i++)
                            GemmReference.Sgemm(ta, tb, m, n, k, 0.75f, a.AsSpan((int)(i * strideA)), lda, b.AsSpan((int)(i * strideB)), ldb,
                                0.5f, expected.AsSpan((int)(i * strideC)), ldc);
                        AssertClose(expected, c, Tolerance(k, 0.75f, a, b, 0.5f, expected), $"{kernel} t{threads} {ta}{tb} {m}x{n}x{k} x{batch}");
                    }
    }

    [Fact]
    public void A_zero_stride_reuses_one_operand_across_the_batch()
    {
        float[] a = Filled(6, 1), b = Filled(3 * 2 * 4, 2), c = new float[4 * 2 * 2], expected = new float[c.Length];
        Gemm.SgemmStridedBatched(false, false, 2, 2, 3, 1f, a, 3, 0, b, 2, 6, 0f, c, 2, 4, 4);
        for (int i = 0; i < 4; i++)
            GemmReference.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b.AsSpan(i * 6), 2, 0f, expected.AsSpan(i * 4), 2);
        AssertClose(expected, c, 1e-5f, "stride 0");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Split_K_products_match_the_reference_with_alpha_beta_and_padding(string kernelName)
    {
        // K deep and C small: the two-halves path (weight gradients), K not a whole number of K blocks.
        GemmKernelKind kernel = GemmTests.Kind(kernelName);
        var rng = new Random(17);
        foreach (var (m, n, k) in new[] { (37, 45, 2100), (13, 70, 2305) })
        {
            Assert.True(GemmDriver<GemmKernelPortable>.SplitsK(m, n, k));
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (int threads in new[] { 1, 2, 3 })
                        CheckOne(kernel, threads, ta, tb, m, n, k, -0.75f, 0.5f, pad: 3, rng);
        }
    }

    [Fact]
    public void Public_entry_point_uses_the_best_kernel_and_matches_the_reference()
    {
        var rng = new Random(5);
        CheckOne(GemmKernels.Best, EngineSettings.Threads, false, true, 100, 70, 90, 1f, 0f, pad: 1, rng, usePublic: true);
    }

    private static void CheckOne(GemmKernelKind kernel, int threads, bool ta, bool tb, int m, int n, int k,
        float alpha, float beta, int pad, Random rng, bool usePublic = false)
    {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = Math.Max(1, aCols) + pad, ldb = Math.Max(1, bCols) + pad, ldc = Math.Max(1, n) + pad;
        float[] a = Random(rng, aRows * lda), b = Random(rng, bRows * ldb), c = Random(rng, m * ldc);
        float[] expected = (float[])c.Clone();
        GemmReference.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        if (usePublic) Gemm.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else Gemm.Sgemm(kernel, threads, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        AssertClose(expected, c, Tolerance(k, alpha, a, b, beta, c), $"{kernel} t{threads} ta={ta} tb={tb} {m}x{n}x{k} a={alpha} b={beta} pad={pad}");
    }

    internal static float Tolerance(int k, float alpha, float[] a, float[] b, float beta, float[] c)
    {
        const float eps = 1.1920929e-7f;
        return 2 * Math.Max(k, 1) * eps * Math.Abs(alpha) * MaxAbs(a) * MaxAbs(b) + 2 * eps * Math.Abs(beta) * MaxAbs(c) + 1e-30f;
    }

    private static float MaxAbs(float[] x) => x.Length == 0 ? 0 : x.Max(Math.Abs);

    internal static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= tolerance) && !(float.IsNaN(expected[i]) && float.IsNaN(actual[i])))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} (tolerance {tolerance}).");
        }
    }

    internal static float[] Random(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = rng.NextSingle() * 2 - 1;
        return x;
    }

    private static float[] Filled(int length, int seed) => Random(new Random(seed), length);
}
