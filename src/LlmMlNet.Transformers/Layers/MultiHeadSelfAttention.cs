// Multi-head self-attention as a Forward/Backward pair: Q, K, V, O dense layers, head split,
// scaled QKᵀ and P·V as strided-batched GEMMs over batch×heads, masked softmax (padding and
// optional causal), attention-probability and output dropout. Not the residual or LayerNorm
// around it, and no KV cache for generation.
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Layers;

/// <summary>Self-attention over [batch, seq, C] with <c>heads</c> heads of size C / heads.</summary>
public sealed class MultiHeadSelfAttention
{
    private readonly IDenseLayer _query, _key, _value, _output;
    private readonly DropoutLayer _probsDropout, _outputDropout;
    private readonly int _maxBatch, _maxSeq;
    // Forward caches needed by Backward.
    private readonly ArenaBuffer _qh, _kh, _vh, _probs, _dropped, _context, _out;
    // Scratch: forward temporaries and backward buffers, never live across layers.
    private readonly ArenaBuffer _q, _k, _v, _yh, _dOut, _dContext, _dProbs, _dScores, _dqh, _dkh, _dvh;

    /// <summary>Builds the layer and reserves its buffers for up to maxBatch × maxSeq tokens.</summary>
    /// <param name="query">Dense C→C producing Q.</param>
    /// <param name="key">Dense C→C producing K.</param>
    /// <param name="value">Dense C→C producing V.</param>
    /// <param name="output">Dense C→C after merging heads.</param>
    /// <param name="heads">Number of heads; must divide C.</param>
    /// <param name="causal">True masks keys after the query (GPT-2).</param>
    /// <param name="probsDropout">Dropout on attention probabilities (attention_probs_dropout_prob / attn_pdrop).</param>
    /// <param name="outputDropout">Dropout after the output dense (hidden_dropout_prob / resid_pdrop).</param>
    /// <param name="arena">Arena for the outputs and forward caches.</param>
    /// <param name="maxBatch">Largest batch.</param>
    /// <param name="maxSeq">Largest sequence length.</param>
    /// <param name="scratch">Arena for temporaries and backward buffers (shareable across layers via <see cref="ActivationArena.Rewind"/>); null uses <paramref name="arena"/>.</param>
    /// <exception cref="ArgumentException">Widths are not all C→C, or heads does not divide C.</exception>
    public MultiHeadSelfAttention(IDenseLayer query, IDenseLayer key, IDenseLayer value, IDenseLayer output, int heads, bool causal,
        DropoutLayer probsDropout, DropoutLayer outputDropout, ActivationArena arena, int maxBatch, int maxSeq, ActivationArena? scratch = null)
    {
        ArgumentNullException.ThrowIfNull(query); ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value); ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(probsDropout); ArgumentNullException.ThrowIfNull(outputDropout);
        ArgumentNullException.ThrowIfNull(arena);
        int c = query.InFeatures;
        foreach (var (layer, name) in new[] { (query, nameof(query)), (key, nameof(key)), (value, nameof(value)), (output, nameof(output)) })
            if (layer.InFeatures != c || layer.OutFeatures != c)
                throw new ArgumentException($"{name} maps {layer.InFeatures}→{layer.OutFeatures}; attention needs {c}→{c}.", name);
        if (heads <= 0 || c % heads != 0)
            throw new ArgumentException($"heads = {heads} must be positive and divide the width {c}.", nameof(heads));
        if (maxBatch < 0 || maxSeq < 0) throw new ArgumentException("maxBatch and maxSeq must be >= 0.", nameof(maxBatch));
        (_query, _key, _value, _output) = (query, key, value, output);
        (_probsDropout, _outputDropout) = (probsDropout, outputDropout);
        Channels = c;
        Heads = heads;
        HeadSize = c / heads;
        Causal = causal;
        _maxBatch = maxBatch;
        _maxSeq = maxSeq;
        int tokens = checked(maxBatch * maxSeq * c);
        int scores = checked(maxBatch * heads * maxSeq * maxSeq);
        _qh = arena.Reserve(tokens); _kh = arena.Reserve(tokens); _vh = arena.Reserve(tokens);
        _probs = arena.Reserve(scores);
        _dropped = arena.Reserve(probsDropout.Probability > 0f ? scores : 0);
        _context = arena.Reserve(tokens);
        _out = arena.Reserve(tokens);
        scratch ??= arena;
        _q = scratch.Reserve(tokens); _k = scratch.Reserve(tokens); _v = scratch.Reserve(tokens);
        _yh = scratch.Reserve(tokens);
        _dOut = scratch.Reserve(tokens); _dContext = scratch.Reserve(tokens);
        _dProbs = scratch.Reserve(scores); _dScores = scratch.Reserve(scores);
        _dqh = scratch.Reserve(tokens); _dkh = scratch.Reserve(tokens); _dvh = scratch.Reserve(tokens);
    }

    /// <summary>Model width C.</summary>
    public int Channels { get; }

    /// <summary>Number of heads NH.</summary>
    public int Heads { get; }

    /// <summary>Head size hs = C / NH.</summary>
    public int HeadSize { get; }

    /// <summary>True when keys after the query are masked.</summary>
    public bool Causal { get; }

    /// <summary>The attention probabilities of the last Forward, [batch, heads, seq, seq] (before dropout).</summary>
    public ReadOnlySpan<float> Probabilities(int batch, int seq) => _probs.Slice(batch * Heads * seq * seq);

    /// <summary>
    /// x [B, T, C] → Q, K, V = dense(x) split to [B, NH, T, hs] → P = softmax_masked(Q·Kᵀ/√hs) [B, NH, T, T]
    /// → Y = dropout(P)·V merged to [B, T, C] → out = dropout(dense_O(Y)) [B, T, C], returned from the arena.
    /// attentionMask [B, T] holds 1 for real tokens and 0 for padding; empty means no padding.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes beyond the arena's sizing, or a short input or mask; thrown before any work.</exception>
    public Span<float> Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> attentionMask, int batch, int seq)
    {
        int n = CheckShape(input.Length, attentionMask.Length, batch, seq, nameof(input));
        int rows = batch * seq, bh = batch * Heads, tt = seq * seq;
        var q = _q.Slice(n); var k = _k.Slice(n); var v = _v.Slice(n);
        var qh = _qh.Slice(n); var kh = _kh.Slice(n); var vh = _vh.Slice(n);
        _query.Forward(input, q, rows);
        _key.Forward(input, k, rows);
        _value.Forward(input, v, rows);
        HeadLayout.Split(qh, q, batch, seq, Heads, HeadSize);
        HeadLayout.Split(kh, k, batch, seq, Heads, HeadSize);
        HeadLayout.Split(vh, v, batch, seq, Heads, HeadSize);

        var probs = _probs.Slice(bh * tt);
        float scale = 1f / MathF.Sqrt(HeadSize);
        Gemm.SgemmStridedBatched(false, true, seq, seq, HeadSize, scale, qh, HeadSize, (long)seq * HeadSize,
            kh, HeadSize, (long)seq * HeadSize, 0f, probs, seq, tt, bh);
        MaskedSoftmax.Forward(probs, probs, attentionMask.IsEmpty ? default : attentionMask[..rows], Causal, batch, Heads, seq);
        ReadOnlySpan<float> weights = probs;
        if (_probsDropout.IsActive)
        {
            var dropped = _dropped.Slice(bh * tt);
            probs.CopyTo(dropped);
            _probsDropout.Forward(dropped);
            weights = dropped;
        }
        var yh = _yh.Slice(n);
        Gemm.SgemmStridedBatched(false, false, seq, HeadSize, seq, 1f, weights, seq, tt, vh, HeadSize, (long)seq * HeadSize,
            0f, yh, HeadSize, (long)seq * HeadSize, bh);
        var context = _context.Slice(n);
        HeadLayout.Merge(context, yh, batch, seq, Heads, HeadSize);
        var output = _out.Slice(n);
        _output.Forward(context, output, rows);
        _outputDropout.Forward(output);
        return output;
    }

    /// <summary>
    /// Differentiates out = dropout(dense_O(merge(dropout(softmax_masked(QKᵀ/√hs))·V))) with Q, K, V = dense(x):
    /// inputGradient [B, T, C] += dL/dx (skipped when empty) and every dense layer's parameter gradients +=.
    /// Call once per Forward with the same input, mask and shape.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too short; thrown before any work.</exception>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<int> attentionMask, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, int seq)
    {
        int n = CheckShape(input.Length, attentionMask.Length, batch, seq, nameof(input));
        KernelArguments(outputGradient.Length, n, nameof(outputGradient));
        if (!inputGradient.IsEmpty) KernelArguments(inputGradient.Length, n, nameof(inputGradient));
        int rows = batch * seq, bh = batch * Heads, tt = seq * seq;
        long headStride = (long)seq * HeadSize;

        ReadOnlySpan<float> dProjected = outputGradient[..n];
        if (_outputDropout.IsActive)
        {
            var dOut = _dOut.Slice(n);
            dOut.Clear();
            _outputDropout.Backward(dProjected, dOut);
            dProjected = dOut;
        }
        var dContext = _dContext.Slice(n);
        dContext.Clear();
        _output.Backward(_context.Slice(n), dProjected, dContext, rows);
        var dyh = _yh.Slice(n); // the forward temporary is dead; reuse it for dL/dY in head layout
        HeadLayout.Split(dyh, dContext, batch, seq, Heads, HeadSize);

        var probs = _probs.Slice(bh * tt);
        ReadOnlySpan<float> weights = _probsDropout.IsActive ? _dropped.Slice(bh * tt) : probs;
        var vh = _vh.Slice(n); var qh = _qh.Slice(n); var kh = _kh.Slice(n);
        var dvh = _dvh.Slice(n);
        // Y = W·V: dV = Wᵀ·dY and dW = dY·Vᵀ.
        Gemm.SgemmStridedBatched(true, false, seq, HeadSize, seq, 1f, weights, seq, tt, dyh, HeadSize, headStride, 0f, dvh, HeadSize, headStride, bh);
        var dWeights = _dProbs.Slice(bh * tt);
        Gemm.SgemmStridedBatched(false, true, seq, seq, HeadSize, 1f, dyh, HeadSize, headStride, vh, HeadSize, headStride, 0f, dWeights, seq, tt, bh);
        var dScores = _dScores.Slice(bh * tt);
        if (_probsDropout.IsActive)
        {
            // W = dropout(P): dP = keep·dW/(1-p), written into dScores' buffer, then back into dWeights' buffer as dP.
            dScores.Clear();
            _probsDropout.Backward(dWeights, dScores);
            dScores.CopyTo(dWeights);
        }
        dScores.Clear();
        MaskedSoftmax.Backward(dScores, probs, dWeights, Causal, batch, Heads, seq);

        // S = Q·Kᵀ·scale: dQ = scale·dS·K and dK = scale·dSᵀ·Q.
        float scale = 1f / MathF.Sqrt(HeadSize);
        var dqh = _dqh.Slice(n); var dkh = _dkh.Slice(n);
        Gemm.SgemmStridedBatched(false, false, seq, HeadSize, seq, scale, dScores, seq, tt, kh, HeadSize, headStride, 0f, dqh, HeadSize, headStride, bh);
        Gemm.SgemmStridedBatched(true, false, seq, HeadSize, seq, scale, dScores, seq, tt, qh, HeadSize, headStride, 0f, dkh, HeadSize, headStride, bh);

        // The dense outputs q, k, v were forward temporaries: reuse them for dL/dq, dL/dk, dL/dv in [B, T, C].
        var dq = _q.Slice(n); var dk = _k.Slice(n); var dv = _v.Slice(n);
        HeadLayout.Merge(dq, dqh, batch, seq, Heads, HeadSize);
        HeadLayout.Merge(dk, dkh, batch, seq, Heads, HeadSize);
        HeadLayout.Merge(dv, dvh, batch, seq, Heads, HeadSize);
        _query.Backward(input, dq, inputGradient, rows);
        _key.Backward(input, dk, inputGradient, rows);
        _value.Backward(input, dv, inputGradient, rows);
    }

    private int CheckShape(int inputLength, int maskLength, int batch, int seq, string inputName)
    {
        if (batch < 0 || batch > _maxBatch)
            throw new ArgumentException($"batch = {batch} is outside [0, {_maxBatch}] this layer was sized for.", nameof(batch));
        if (seq < 0 || seq > _maxSeq)
            throw new ArgumentException($"seq = {seq} is outside [0, {_maxSeq}] this layer was sized for.", nameof(seq));
        int n = batch * seq * Channels;
        KernelArguments(inputLength, n, inputName);
        if (maskLength != 0 && maskLength < batch * seq)
            throw new ArgumentException($"attentionMask has {maskLength} elements but [{batch}, {seq}] needs {batch * seq}.", "attentionMask");
        return n;
    }

    private static void KernelArguments(int length, int needed, string name)
    {
        if (length < needed) throw new ArgumentException($"{name} has {length} elements but the shape needs {needed}.", name);
    }
}
