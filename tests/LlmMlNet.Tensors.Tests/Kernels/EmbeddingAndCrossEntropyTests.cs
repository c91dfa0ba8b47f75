// Embedding lookup/scatter-add and cross-entropy with ignore index: fast vs naive twins,
// finite differences, bad ids/targets rejected (naming the row) before any work.
using LlmMlNet.Tensors.Kernels;
using Xunit;
using static LlmMlNet.Tensors.Tests.Kernels.TestNumerics;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class EmbeddingAndCrossEntropyTests
{
    [Fact]
    public void Embedding_matches_the_naive_twin_and_scatter_adds_repeated_ids()
    {
        foreach (int c in AwkwardSizes)
        {
            const int vocab = 5;
            var table = RandomArray(vocab * c, c);
            int[] ids = [3, 0, 3, 4];
            var y1 = RandomArray(ids.Length * c, 1); var y2 = (float[])y1.Clone();
            EmbeddingKernel.Forward(y1, ids, table, vocab, c, accumulate: true);
            EmbeddingKernel.ForwardNaive(y2, ids, table, c, accumulate: true);
            AssertClose(y2, y1, 1e-7, 1e-7);
            var d = RandomArray(ids.Length * c, 2);
            var g1 = new float[vocab * c]; var g2 = new float[vocab * c];
            EmbeddingKernel.Backward(g1, d, ids, vocab, c);
            EmbeddingKernel.BackwardNaive(g2, d, ids, c);
            AssertClose(g2, g1, 1e-7, 1e-7);
            for (int j = 0; j < c; j++) Assert.Equal(d[j] + d[2 * c + j], g1[3 * c + j], 6);
        }
    }

    [Fact]
    public void Embedding_rejects_an_out_of_range_id_naming_the_row_before_any_work()
    {
        var y = new float[] { 1, 1, 1, 1 };
        var ex = Assert.Throws<ArgumentException>(() => EmbeddingKernel.Forward(y, [0, 9], new float[6], 3, 2));
        Assert.Equal("ids", ex.ParamName);
        Assert.Contains("ids[1] = 9", ex.Message);
        Assert.All(y, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Cross_entropy_matches_the_naive_twin_with_ignored_rows()
    {
        foreach (int vocab in AwkwardSizes.Where(v => v > 0))
        {
            const int rows = 5;
            var logits = RandomArray(rows * vocab, vocab, 10f);
            int[] targets = [0, -100, vocab - 1, vocab / 2, -100];
            var l1 = new float[rows]; var l2 = new float[rows];
            float a = CrossEntropy.Forward(l1, logits, targets, rows, vocab);
            float b = CrossEntropy.ForwardNaive(l2, logits, targets, rows, vocab);
            Assert.Equal(b, a, 5);
            var g1 = new float[rows * vocab]; var g2 = new float[rows * vocab];
            CrossEntropy.Backward(g1, logits, l1, targets, rows, vocab, 2f);
            CrossEntropy.BackwardNaive(g2, logits, targets, rows, vocab, 2f);
            AssertClose(g2, g1, 1e-6, 1e-5);
            Assert.All(g1.AsSpan(vocab, vocab).ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Cross_entropy_of_uniform_logits_is_log_vocab_and_all_ignored_gives_zero()
    {
        var lse = new float[2];
        Assert.Equal(MathF.Log(4), CrossEntropy.Forward(lse, new float[8], [1, 2], 2, 4), 6);
        var g = new float[8];
        Assert.Equal(0f, CrossEntropy.Forward(lse, new float[8], [-100, -100], 2, 4));
        CrossEntropy.Backward(g, new float[8], lse, [-100, -100], 2, 4);
        Assert.All(g, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Cross_entropy_backward_matches_central_finite_differences()
    {
        // h = 1e-2 on logits of scale 3: truncation ~1e-5; tolerance 1e-3 + 1e-2·|g|.
        const int rows = 4, vocab = 9;
        var logits = RandomArray(rows * vocab, 51, 3f);
        int[] targets = [2, -100, 8, 0];
        var lse = new float[rows];
        CrossEntropy.Forward(lse, logits, targets, rows, vocab);
        var g = new float[rows * vocab];
        CrossEntropy.Backward(g, logits, lse, targets, rows, vocab);
        CheckGradient(logits, g, () => CrossEntropy.Forward(lse, logits, targets, rows, vocab), 1e-3, 1e-2, maxChecks: rows * vocab);
    }

    [Fact]
    public void Cross_entropy_rejects_a_bad_target_naming_the_row()
    {
        var lse = new float[] { 3, 3 };
        var ex = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(lse, new float[8], [1, 4], 2, 4));
        Assert.Equal("targets", ex.ParamName);
        Assert.Contains("targets[1] = 4", ex.Message);
        Assert.All(lse, v => Assert.Equal(3f, v));
    }
}
