// A deliberately small language model for trainer tests, built straight from the kernels: word +
// position embeddings, a neighbour mix (both sides for MLM, the left one for CLM), a GELU residual
// dense layer, dropout keyed by the micro-batch, and a vocabulary head. It learns bigram structure in
// seconds. Not the BERT/GPT-2 models (the models branch); the trainer only needs its interfaces.
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tests.Training;

internal sealed class TinyLanguageModel : ISequenceEncoder, IVocabularyHead
{
    private const float NeighbourWeight = 0.5f;
    private readonly int _v, _c, _maxT;
    private readonly bool _causal;
    private readonly float _dropout;
    private readonly ParameterHandle _word, _pos, _w, _b, _hw, _hb;
    private float[] _x = [], _mixed = [], _z = [], _g = [], _h = [], _dh = [], _dz = [], _dc = [], _dx = [];
    private int[] _ids = [], _mask = [];
    private int _rows, _seq;
    private ForwardContext _context;

    public TinyLanguageModel(int vocabulary, int channels, int maxSequence, bool causal, float dropout = 0f, ulong seed = 1, bool freezeEmbeddings = false)
    {
        (_v, _c, _maxT, _causal, _dropout) = (vocabulary, channels, maxSequence, causal, dropout);
        var layout = new ParameterLayout.Builder()
            .Add("word", [vocabulary, channels], trainable: !freezeEmbeddings)
            .Add("position", [maxSequence, channels], trainable: !freezeEmbeddings)
            .Add("mix.weight", [channels, channels])
            .Add("mix.bias", [channels])
            .Add("head.weight", [vocabulary, channels])
            .Add("head.bias", [vocabulary])
            .Build();
        Parameters = new ParameterSet(layout);
        foreach (var t in layout.Tensors)
            if (t.Shape.Length == 2) ParameterInit.Normal(Parameters.Value(t), 0.3f, seed, ParameterInit.StreamOf(t.Name));
        (_word, _pos, _w, _b, _hw, _hb) = (layout["word"], layout["position"], layout["mix.weight"], layout["mix.bias"], layout["head.weight"], layout["head.bias"]);
    }

    public ParameterSet Parameters { get; }
    public int HiddenSize => _c;
    public int Vocabulary => _v;
    public int ForwardCalls { get; private set; }
    public int LastHeadRows { get; private set; }

    public ReadOnlySpan<float> Forward(LanguageModelBatch batch, ForwardContext context)
    {
        ForwardCalls++;
        if (batch.SequenceLength > _maxT) throw new ArgumentException("sequence too long");
        (_ids, _mask, _seq, _rows, _context) = (batch.InputIds, batch.AttentionMask, batch.SequenceLength, batch.Batch * batch.SequenceLength, context);
        int n = _rows * _c;
        (_x, _mixed, _z, _g, _h) = (Grow(_x, n), Grow(_mixed, n), Grow(_z, n), Grow(_g, n), Grow(_h, n));
        var word = Parameters.Value(_word);
        var pos = Parameters.Value(_pos);
        for (int i = 0; i < _rows; i++)
        {
            var dst = _x.AsSpan(i * _c, _c);
            word.Slice(_ids[i] * _c, _c).CopyTo(dst);
            System.Numerics.Tensors.TensorPrimitives.Add(dst, pos.Slice(i % _seq * _c, _c), dst);
        }
        for (int i = 0; i < _rows; i++)
        {
            var dst = _mixed.AsSpan(i * _c, _c);
            _x.AsSpan(i * _c, _c).CopyTo(dst);
            foreach (int j in Neighbours(i))
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_x.AsSpan(j * _c, _c), NeighbourWeight, dst, dst);
        }
        Gemm.Sgemm(false, true, _rows, _c, _c, 1f, _mixed, _c, Parameters.Value(_w), _c, 0f, _z, _c);
        BiasAdd.Forward(_z, Parameters.Value(_b), _rows, _c);
        Gelu.Forward(_g.AsSpan(0, n), _z.AsSpan(0, n), GeluApproximation.None);
        Residual.Forward(_h, _mixed, _g, n);
        if (context.IsTraining && _dropout > 0f) Dropout.Forward(_h.AsSpan(0, n), _h.AsSpan(0, n), _dropout, context.Seed, context.MicroBatch);
        return _h.AsSpan(0, n);
    }

    public void Backward(ReadOnlySpan<float> hiddenGradient)
    {
        int n = _rows * _c;
        (_dh, _dz, _dc, _dx) = (Grow(_dh, n), Grow(_dz, n), Grow(_dc, n), Grow(_dx, n));
        var dh = _dh.AsSpan(0, n);
        dh.Clear();
        if (_context.IsTraining && _dropout > 0f) Dropout.Backward(dh, hiddenGradient[..n], _dropout, _context.Seed, _context.MicroBatch);
        else hiddenGradient[..n].CopyTo(dh);
        // h = mixed + gelu(mixed·Wᵀ + b): dmixed = dh + (gelu'(z)·dh)·W.
        var dz = _dz.AsSpan(0, n);
        dz.Clear();
        Gelu.Backward(dz, _z.AsSpan(0, n), dh, GeluApproximation.None);
        Gemm.Sgemm(true, false, _c, _c, _rows, 1f, dz, _c, _mixed, _c, 1f, Parameters.Gradient(_w), _c);
        BiasAdd.Backward(Parameters.Gradient(_b), dz, _rows, _c);
        var dc = _dc.AsSpan(0, n);
        dh.CopyTo(dc);
        Gemm.Sgemm(false, false, _rows, _c, _c, 1f, dz, _c, Parameters.Value(_w), _c, 1f, dc, _c);
        // mixed_i = x_i + a·Σ x_j over neighbours j of i: dx_j += a·dmixed_i.
        var dx = _dx.AsSpan(0, n);
        dc.CopyTo(dx);
        for (int i = 0; i < _rows; i++)
            foreach (int j in Neighbours(i))
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(dc.Slice(i * _c, _c), NeighbourWeight, dx.Slice(j * _c, _c), dx.Slice(j * _c, _c));
        if (!_word.Trainable) return;
        var dWord = Parameters.Gradient(_word);
        var dPos = Parameters.Gradient(_pos);
        for (int i = 0; i < _rows; i++)
        {
            var g = dx.Slice(i * _c, _c);
            var w = dWord.Slice(_ids[i] * _c, _c);
            System.Numerics.Tensors.TensorPrimitives.Add(w, g, w);
            var p = dPos.Slice(i % _seq * _c, _c);
            System.Numerics.Tensors.TensorPrimitives.Add(p, g, p);
        }
    }

    public void Forward(ReadOnlySpan<float> hidden, Span<float> logits, int rows, ForwardContext context)
    {
        LastHeadRows = rows;
        Gemm.Sgemm(false, true, rows, _v, _c, 1f, hidden, _c, Parameters.Value(_hw), _c, 0f, logits, _v);
        BiasAdd.Forward(logits, Parameters.Value(_hb), rows, _v);
    }

    public void Backward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> logitsGradient, Span<float> hiddenGradient, int rows)
    {
        Gemm.Sgemm(true, false, _v, _c, rows, 1f, logitsGradient, _v, hidden, _c, 1f, Parameters.Gradient(_hw), _c);
        BiasAdd.Backward(Parameters.Gradient(_hb), logitsGradient, rows, _v);
        Gemm.Sgemm(false, false, rows, _c, _v, 1f, logitsGradient, _v, Parameters.Value(_hw), _c, 1f, hiddenGradient, _c);
    }

    private IEnumerable<int> Neighbours(int i)
    {
        int t = i % _seq;
        if (_mask[i] == 0) yield break;
        if (t > 0 && _mask[i - 1] != 0) yield return i - 1;
        if (!_causal && t + 1 < _seq && _mask[i + 1] != 0) yield return i + 1;
    }

    private static float[] Grow(float[] buffer, int length) => buffer.Length >= length ? buffer : new float[length];
}
