// The feature-extraction head: softmax regression learns separable embeddings (loss falls, accuracy far
// above chance), outputs rows that are probabilities, is deterministic, and rejects bad labels up front.
using LlmMlNet.Transformers.Tasks;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Tasks;

public sealed class SoftmaxRegressionTests
{
    private static (float[] X, int[] Y) Clusters(int n, int features, int classes, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n * features];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % classes;
            for (int f = 0; f < features; f++)
                x[i * features + f] = (float)(rng.NextDouble() - 0.5) + (f == y[i] ? 1.5f : 0f);
        }
        return (x, y);
    }

    [Fact]
    public void Learns_separable_classes_and_outputs_probabilities()
    {
        var (x, y) = Clusters(120, 6, 3, 1);
        var model = new SoftmaxRegression(6, 3);
        var losses = model.Train(x, y, new SoftmaxRegressionOptions { Steps = 150 });
        Assert.Equal(MathF.Log(3), losses[0], 1e-5f);
        Assert.True(losses[^1] < 0.3f * losses[0], $"loss {losses[0]} → {losses[^1]}");
        var (tx, ty) = Clusters(90, 6, 3, 2);
        var p = model.PredictProbabilities(tx);
        int correct = 0;
        for (int i = 0; i < ty.Length; i++)
        {
            var row = p.AsSpan(i * 3, 3);
            Assert.Equal(1f, row[0] + row[1] + row[2], 1e-5f);
            int arg = row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row));
            if (arg == ty[i]) correct++;
        }
        Assert.True(correct > 0.9 * ty.Length, $"accuracy {correct}/{ty.Length}");
        var again = new SoftmaxRegression(6, 3);
        again.Train(x, y, new SoftmaxRegressionOptions { Steps = 150 });
        Assert.Equal(model.Parameters.Values, again.Parameters.Values);
    }

    [Fact]
    public void Bad_labels_or_shapes_fail_before_training()
    {
        var model = new SoftmaxRegression(2, 2);
        var e = Assert.Throws<ArgumentException>(() => model.Train(new float[4], [0, 2]));
        Assert.Contains("label[1]", e.Message);
        Assert.Throws<ArgumentException>(() => model.Train(new float[3], [0, 1]));
        Assert.All(model.Parameters.Values, v => Assert.Equal(0f, v));
    }
}
