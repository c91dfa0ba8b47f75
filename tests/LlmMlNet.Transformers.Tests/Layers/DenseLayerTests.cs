// Linear, Embedding, LayerNorm and the cross-entropy loss layer: backward vs central finite
// differences, frozen tensors get no gradient work, shape and name errors.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Layers;
using Xunit;
using static LlmMlNet.Transformers.Tests.Layers.LayerTestKit;

namespace LlmMlNet.Transformers.Tests.Layers;

public class DenseLayerTests
{
    // Float forward, h = 1e-2: for these smooth O(1) functions truncation is ~1e-5 and rounding of the
    // double-summed loss ~1e-5; 2e-3 + 1e-2·|g| leaves margin while a wrong formula misses by O(|g|).
    private const double Abs = 2e-3, Rel = 1e-2;

    [Fact]
    public void Linear_backward_matches_finite_differences_for_input_weight_and_bias()
    {
        var set = RandomSet(new ParameterLayout.Builder().Add("w", [5, 7]).Add("b", [5]).Build());
        var linear = new Linear(set, "w", "b");
        const int rows = 3;
        var x = RandomArray(rows * 7, 1);
        var w = RandomArray(rows * 5, 2);
        var y = new float[rows * 5];
        double Loss() { linear.Forward(x, y, rows); return Dot(w, y); }
        var dx = new float[rows * 7];
        linear.Backward(x, w, dx, rows);
        CheckGradient(x, 0, x.Length, dx, Loss, Abs, Rel, "x");
        CheckParameterGradients(set, Loss, Abs, Rel);
    }

    [Fact]
    public void Frozen_linear_weight_has_no_gradient_storage_yet_input_and_bias_gradients_flow()
    {
        var set = RandomSet(new ParameterLayout.Builder().Add("w", [4, 3], trainable: false).Add("b", [4]).Build());
        Assert.Equal(4, set.Gradients.Length);
        var linear = new Linear(set, "w", "b");
        var x = RandomArray(6, 3); var d = RandomArray(8, 4);
        var dx = new float[6];
        linear.Backward(x, d, dx, 2);
        Assert.Contains(dx, v => v != 0f);
        Assert.Equal(d[0] + d[4], set.Gradients[0], 6);
        linear.Backward(x, d, [], 2); // dX skipped for a first layer
        Assert.Equal(2 * (d[0] + d[4]), set.Gradients[0], 5);
    }

    [Fact]
    public void Linear_rejects_bad_shapes_before_work()
    {
        var set = RandomSet(new ParameterLayout.Builder().Add("w", [4, 3]).Add("b", [5]).Build());
        Assert.Equal("biasName", Assert.Throws<ArgumentException>(() => new Linear(set, "w", "b")).ParamName);
        var linear = new Linear(set, "w", null);
        var y = new float[8];
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => linear.Forward(new float[5], y, 2)).ParamName);
        Assert.Contains("missing", Assert.Throws<ArgumentException>(() => new Linear(set, "missing", null)).Message);
    }

    [Fact]
    public void Embedding_backward_matches_finite_differences_and_forward_add_sums_tables()
    {
        var set = RandomSet(new ParameterLayout.Builder().Add("tok", [6, 4]).Add("pos", [3, 4]).Build());
        var arena = new ActivationArena();
        var tok = new Embedding(set, "tok", arena, 3);
        var pos = new Embedding(set, "pos", arena, 3);
        arena.Commit();
        int[] ids = [5, 0, 5], positions = [0, 1, 2];
        var w = RandomArray(12, 5);
        double Loss() { var y = tok.Forward(ids); pos.ForwardAdd(positions, y); return Dot(w, y); }
        tok.Backward(ids, w);
        pos.Backward(positions, w);
        CheckParameterGradients(set, Loss, Abs, Rel, maxChecks: 24);
        Assert.Contains("ids[1] = 6", Assert.Throws<ArgumentException>(() => tok.Forward([0, 6])).Message);
    }

    [Fact]
    public void LayerNorm_backward_matches_finite_differences_including_a_frozen_gain()
    {
        foreach (bool weightTrainable in new[] { true, false })
        {
            var set = RandomSet(new ParameterLayout.Builder().Add("ln.weight", [9], trainable: weightTrainable).Add("ln.bias", [9]).Build());
            var arena = new ActivationArena();
            var ln = new LayerNorm(set, "ln.weight", "ln.bias", 1e-5f, arena, 4);
            arena.Commit();
            var x = RandomArray(36, 6, 2f);
            var w = RandomArray(36, 7);
            double Loss() => Dot(w, ln.Forward(x, 4));
            Loss();
            var dx = new float[36];
            ln.Backward(x, w, dx, 4);
            CheckGradient(x, 0, x.Length, dx, Loss, Abs, Rel, "x");
            CheckParameterGradients(set, Loss, Abs, Rel);
        }
    }

    [Fact]
    public void Cross_entropy_loss_layer_backward_matches_finite_differences()
    {
        var arena = new ActivationArena();
        var loss = new CrossEntropyLoss(5, arena, 4);
        arena.Commit();
        var logits = RandomArray(20, 8, 3f);
        int[] targets = [4, -100, 0, 2];
        loss.Forward(logits, targets, 4);
        var g = new float[20];
        loss.Backward(logits, targets, g, 4);
        CheckGradient(logits, 0, 20, g, () => loss.Forward(logits, targets, 4), Abs, Rel, "logits", maxChecks: 20);
    }

    [Fact]
    public void Activation_names_are_looked_up_from_the_hugging_face_table()
    {
        Assert.Equal(ActivationFunction.Gelu, Activations.Parse("gelu"));
        Assert.Equal(ActivationFunction.GeluTanh, Activations.Parse("gelu_new"));
        Assert.Equal(ActivationFunction.GeluTanh, Activations.Parse("gelu_pytorch_tanh"));
        Assert.Equal(ActivationFunction.Relu, Activations.Parse("relu"));
        Assert.Contains("swish", Assert.Throws<ArgumentException>(() => Activations.Parse("swish")).Message);
    }
}
