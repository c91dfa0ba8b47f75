// FeedForward and MultiHeadSelfAttention: forward vs a naive double-precision reference, backward
// vs central finite differences (padding mask, causal mask, dropout active in training), eval
// mode is dropout-free, same seed and step give the same result.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Layers;
using Xunit;
using static LlmMlNet.Transformers.Tests.Layers.LayerTestKit;

namespace LlmMlNet.Transformers.Tests.Layers;

public class BlockLayerTests
{
    // Float forward through several GEMMs, h = 1e-2: loss rounding ~1e-5/2h ≈ 1e-3 worst case and
    // truncation ~1e-4; 3e-3 + 2e-2·|g| leaves margin while a wrong term misses by O(|g|).
    private const double Abs = 3e-3, Rel = 2e-2;
    private const int C = 8, Heads = 2;

    private static ParameterLayout AttentionLayout()
    {
        var b = new ParameterLayout.Builder();
        foreach (var p in new[] { "q", "k", "v", "o" }) b.Add(p + ".weight", [C, C]).Add(p + ".bias", [C]);
        return b.Build();
    }

    private static MultiHeadSelfAttention BuildAttention(ParameterSet set, TrainingState state, bool causal, ActivationArena arena, int maxBatch, int maxSeq, float dropout)
        => new(new Linear(set, "q.weight", "q.bias"), new Linear(set, "k.weight", "k.bias"), new Linear(set, "v.weight", "v.bias"),
            new Linear(set, "o.weight", "o.bias"), Heads, causal,
            new DropoutLayer("attn.probs", dropout, state), new DropoutLayer("attn.out", dropout, state), arena, maxBatch, maxSeq);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Attention_forward_in_eval_mode_matches_a_naive_double_reference(bool causal)
    {
        const int batch = 2, seq = 5;
        var set = RandomSet(AttentionLayout());
        var state = new TrainingState(1);
        var arena = new ActivationArena();
        var attention = BuildAttention(set, state, causal, arena, batch, seq, 0.1f);
        arena.Commit();
        var x = RandomArray(batch * seq * C, 3);
        int[] mask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
        var y = attention.Forward(x, mask, batch, seq).ToArray();
        var expected = NaiveAttention(set, x, mask, causal, batch, seq);
        // Float GEMMs and float softmax vs double: a few ulps of O(1) values, so |diff| <= 1e-5.
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-5, $"y[{i}]: expected {expected[i]}, got {y[i]}");
    }

    private static double[] NaiveAttention(ParameterSet set, float[] x, int[] mask, bool causal, int batch, int seq)
    {
        double[] Dense(string p, double[] input)
        {
            var w = set.View(p + ".weight"); var b = set.View(p + ".bias");
            var o = new double[batch * seq * C];
            for (int r = 0; r < batch * seq; r++)
                for (int j = 0; j < C; j++)
                {
                    double s = b[j];
                    for (int i = 0; i < C; i++) s += w[j * C + i] * input[r * C + i];
                    o[r * C + j] = s;
                }
            return o;
        }
        var xd = x.Select(v => (double)v).ToArray();
        double[] q = Dense("q", xd), k = Dense("k", xd), v = Dense("v", xd);
        int hs = C / Heads;
        var ctx = new double[batch * seq * C];
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < Heads; h++)
                for (int t = 0; t < seq; t++)
                {
                    var s = new double[seq];
                    double max = double.NegativeInfinity;
                    for (int u = 0; u < seq; u++)
                    {
                        bool visible = mask[b * seq + u] != 0 && (!causal || u <= t);
                        double dot = 0;
                        for (int d = 0; d < hs; d++) dot += q[(b * seq + t) * C + h * hs + d] * k[(b * seq + u) * C + h * hs + d];
                        s[u] = visible ? dot / Math.Sqrt(hs) : double.NegativeInfinity;
                        max = Math.Max(max, s[u]);
                    }
                    double sum = s.Sum(z => Math.Exp(z - max));
                    for (int u = 0; u < seq; u++)
                    {
                        double p = Math.Exp(s[u] - max) / sum;
                        for (int d = 0; d < hs; d++) ctx[(b * seq + t) * C + h * hs + d] += p * v[(b * seq + u) * C + h * hs + d];
                    }
                }
        return Dense("o", ctx);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Attention_backward_matches_finite_differences(bool causal, bool training)
    {
        const int batch = 2, seq = 4;
        var set = RandomSet(AttentionLayout());
        var state = new TrainingState(11) { IsTraining = training, Step = 3 };
        var arena = new ActivationArena();
        // Sized larger than used: layers run on any shape up to their sizing.
        var attention = BuildAttention(set, state, causal, arena, batch + 1, seq + 2, 0.2f);
        arena.Commit();
        var x = RandomArray(batch * seq * C, 4);
        var w = RandomArray(batch * seq * C, 5);
        int[] mask = [1, 1, 1, 0, 1, 1, 1, 1];
        double Loss() => Dot(w, attention.Forward(x, mask, batch, seq));
        Loss();
        var dx = new float[x.Length];
        attention.Backward(x, mask, w, dx, batch, seq);
        CheckGradient(x, 0, x.Length, dx, Loss, Abs, Rel, "x", maxChecks: 32);
        CheckParameterGradients(set, Loss, Abs, Rel);
    }

    [Theory]
    [InlineData(ActivationFunction.Gelu)]
    [InlineData(ActivationFunction.GeluTanh)]
    [InlineData(ActivationFunction.Relu)]
    [InlineData(ActivationFunction.Tanh)]
    public void Feed_forward_backward_matches_finite_differences_with_dropout_on(ActivationFunction activation)
    {
        var set = RandomSet(new ParameterLayout.Builder().Add("fc1.weight", [12, C]).Add("fc1.bias", [12])
            .Add("fc2.weight", [C, 12]).Add("fc2.bias", [C]).Build());
        var state = new TrainingState(5) { IsTraining = true, Step = 9 };
        var arena = new ActivationArena();
        var ff = new FeedForward(new Linear(set, "fc1.weight", "fc1.bias"), new Linear(set, "fc2.weight", "fc2.bias"),
            activation, new DropoutLayer("ff.drop", 0.25f, state), arena, 6);
        arena.Commit();
        var x = RandomArray(5 * C, 6, 2f);
        if (activation == ActivationFunction.Relu)
            set.View("fc1.bias").Fill(0.3f); // keeps pre-activations off ReLU's kink for most entries
        var w = RandomArray(5 * C, 7);
        double Loss() => Dot(w, ff.Forward(x, 5));
        Loss();
        var dx = new float[x.Length];
        ff.Backward(x, w, dx, 5);
        if (activation != ActivationFunction.Relu)
        {
            CheckGradient(x, 0, x.Length, dx, Loss, Abs, Rel, "x");
            CheckParameterGradients(set, Loss, Abs, Rel);
        }
        else
        {
            // Only the second dense layer's tensors: they are smooth (linear) whatever the kink does.
            foreach (var name in new[] { "fc2.weight", "fc2.bias" })
            {
                var t = set.Layout[name];
                CheckGradient(set.Values, t.Offset, t.Length, set.Gradient(t).ToArray(), Loss, Abs, Rel, name);
            }
        }
    }

    [Fact]
    public void Dropout_is_off_in_eval_mode_and_reproducible_in_training_mode()
    {
        var set = RandomSet(AttentionLayout());
        var state = new TrainingState(3);
        var arena = new ActivationArena();
        var attention = BuildAttention(set, state, false, arena, 1, 6, 0.5f);
        arena.Commit();
        var x = RandomArray(6 * C, 8);
        var eval1 = attention.Forward(x, [], 1, 6).ToArray();
        state.IsTraining = true; state.Step = 1;
        var train1 = attention.Forward(x, [], 1, 6).ToArray();
        var train1Again = attention.Forward(x, [], 1, 6).ToArray();
        state.Step = 2;
        var train2 = attention.Forward(x, [], 1, 6).ToArray();
        state.IsTraining = false;
        Assert.Equal(eval1, attention.Forward(x, [], 1, 6).ToArray());
        Assert.Equal(train1, train1Again);
        Assert.NotEqual(eval1, train1);
        Assert.NotEqual(train1, train2);
    }

    [Fact]
    public void Attention_rejects_shapes_beyond_its_sizing_and_bad_head_counts()
    {
        var set = RandomSet(AttentionLayout());
        var state = new TrainingState();
        var arena = new ActivationArena();
        var attention = BuildAttention(set, state, false, arena, 1, 4, 0f);
        arena.Commit();
        Assert.Equal("seq", Assert.Throws<ArgumentException>(() => attention.Forward(new float[5 * C], [], 1, 5)).ParamName);
        Assert.Equal("attentionMask", Assert.Throws<ArgumentException>(() => attention.Forward(new float[4 * C], [1, 1], 1, 4)).ParamName);
        var q = new Linear(set, "q.weight", "q.bias");
        Assert.Equal("heads", Assert.Throws<ArgumentException>(() => new MultiHeadSelfAttention(q, q, q, q, 3, false,
            new DropoutLayer("a", 0f, state), new DropoutLayer("b", 0f, state), new ActivationArena(), 1, 1)).ParamName);
    }
}
