// The no-allocation proof: a small stack (embedding → attention → LayerNorm → FFN → vocabulary
// Linear → cross-entropy → backward → clip → AdamW) runs warm-up steps, then further steps
// allocate 0 bytes on the managed heap of this thread; the loss also goes down.
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Layers;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Layers;

public class NoAllocationTrainingStepTests
{
    private sealed class TinyStack
    {
        private const int Vocab = 23, C = 16, F = 32, Heads = 2;
        private readonly int _batch, _seq;
        public readonly ParameterSet Set;
        public readonly TrainingState State = new(42) { IsTraining = true };
        private readonly Embedding _tok, _pos;
        private readonly MultiHeadSelfAttention _attn;
        private readonly LayerNorm _ln;
        private readonly FeedForward _ff;
        private readonly Linear _head;
        private readonly CrossEntropyLoss _loss;
        private readonly ActivationArena _grads = new();
        private readonly ArenaBuffer _dLogits, _dFf, _dLn, _dAttn, _dEmb, _logits;
        private readonly int[] _ids, _positions, _targets, _mask;

        public TinyStack(int batch, int seq)
        {
            (_batch, _seq) = (batch, seq);
            var b = new ParameterLayout.Builder().Add("tok", [Vocab, C]).Add("pos", [seq, C]);
            foreach (var p in new[] { "q", "k", "v", "o" }) b.Add(p + ".weight", [C, C]).Add(p + ".bias", [C]);
            b.Add("ln.weight", [C]).Add("ln.bias", [C]).Add("fc1.weight", [F, C]).Add("fc1.bias", [F])
                .Add("fc2.weight", [C, F]).Add("fc2.bias", [C]).Add("head.weight", [Vocab, C]);
            Set = new ParameterSet(b.Build());
            foreach (var t in Set.Layout.Tensors) ParameterInit.Normal(Set.Value(t), 0.2f, 1, ParameterInit.StreamOf(t.Name));
            Set.View("ln.weight").Fill(1f);

            var arena = new ActivationArena();
            int rows = batch * seq;
            _tok = new Embedding(Set, "tok", arena, rows);
            _pos = new Embedding(Set, "pos", arena, rows);
            _attn = new MultiHeadSelfAttention(new Linear(Set, "q.weight", "q.bias"), new Linear(Set, "k.weight", "k.bias"),
                new Linear(Set, "v.weight", "v.bias"), new Linear(Set, "o.weight", "o.bias"), Heads, causal: false,
                new DropoutLayer("attn.probs", 0.1f, State), new DropoutLayer("attn.out", 0.1f, State), arena, batch, seq);
            _ln = new LayerNorm(Set, "ln.weight", "ln.bias", 1e-5f, arena, rows);
            _ff = new FeedForward(new Linear(Set, "fc1.weight", "fc1.bias"), new Linear(Set, "fc2.weight", "fc2.bias"),
                ActivationFunction.Gelu, new DropoutLayer("ff.drop", 0.1f, State), arena, rows);
            _head = new Linear(Set, "head.weight", null);
            _loss = new CrossEntropyLoss(Vocab, arena, rows);
            _logits = arena.Reserve(rows * Vocab);
            arena.Commit();
            _dLogits = _grads.Reserve(rows * Vocab); _dFf = _grads.Reserve(rows * C); _dLn = _grads.Reserve(rows * C);
            _dAttn = _grads.Reserve(rows * C); _dEmb = _grads.Reserve(rows * C);
            _grads.Commit();

            _ids = new int[rows]; _positions = new int[rows]; _targets = new int[rows]; _mask = new int[rows];
            for (int i = 0; i < rows; i++)
            {
                _ids[i] = (i * 7 + 3) % Vocab;
                _positions[i] = i % seq;
                _targets[i] = i % 5 == 0 ? CrossEntropy.DefaultIgnoreIndex : (_ids[i] + 1) % Vocab; // predict the next id
                _mask[i] = i % seq < seq - i / seq ? 1 : 0; // entry b has b padding positions
            }
        }

        public float Step(int step)
        {
            int rows = _batch * _seq;
            State.Step = step;
            var emb = _tok.Forward(_ids);
            _pos.ForwardAdd(_positions, emb);
            var attn = _attn.Forward(emb, _mask, _batch, _seq);
            var ln = _ln.Forward(attn, rows);
            var ff = _ff.Forward(ln, rows);
            var logits = _logits.Slice(rows * Vocab);
            _head.Forward(ff, logits, rows);
            float loss = _loss.Forward(logits, _targets, rows);

            _grads.Clear();
            Set.ZeroGradients();
            var dLogits = _dLogits.Slice(rows * Vocab);
            _loss.Backward(logits, _targets, dLogits, rows);
            _head.Backward(ff, dLogits, _dFf.Slice(rows * C), rows);
            _ff.Backward(ln, _dFf.Slice(rows * C), _dLn.Slice(rows * C), rows);
            _ln.Backward(attn, _dLn.Slice(rows * C), _dAttn.Slice(rows * C), rows);
            _attn.Backward(emb, _mask, _dAttn.Slice(rows * C), _dEmb.Slice(rows * C), _batch, _seq);
            _tok.Backward(_ids, _dEmb.Slice(rows * C));
            _pos.Backward(_positions, _dEmb.Slice(rows * C));
            Set.ClipGradients(1.0);
            Set.AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, step);
            return loss;
        }
    }

    [Fact]
    public void A_training_step_allocates_nothing_after_warm_up_and_reduces_the_loss()
    {
        var stack = new TinyStack(batch: 3, seq: 5);
        float first = stack.Step(1);
        for (int s = 2; s <= 3; s++) stack.Step(s);
        long before = GC.GetAllocatedBytesForCurrentThread();
        float last = 0;
        for (int s = 4; s <= 8; s++) last = stack.Step(s);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(last < first, $"loss did not decrease: {first} → {last}");
    }

    [Fact]
    public void Same_seed_gives_bit_identical_training()
    {
        var a = new TinyStack(2, 4); var b = new TinyStack(2, 4);
        for (int s = 1; s <= 3; s++) Assert.Equal(a.Step(s), b.Step(s));
        Assert.Equal(a.Set.Values, b.Set.Values);
    }
}
