// One transformer block in either residual arrangement: post-LN (BERT, RoBERTa, DistilBERT:
// h = LN1(x + attn(x)); out = LN2(h + ffn(h))) or pre-LN (GPT-2: h = x + attn(LN1(x));
// out = h + ffn(LN2(h))). Attention and feed-forward come from the Layers; this file owns only the
// residual sums, the norms' placement and the backward through them. Not the embeddings or heads.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using ResidualKernel = LlmMlNet.Tensors.Kernels.Residual;

namespace LlmMlNet.Transformers.Models;

/// <summary>Builds the dense layer (a Linear, or a wrapper such as LoRA) for our parameter prefix, e.g. "layers.0.attention.query".</summary>
public delegate IDenseLayer DenseLayerFactory(string prefix);

/// <summary>A transformer block as a Forward/Backward pair over [B·T, C] rows.</summary>
internal sealed class TransformerBlock
{
    private readonly MultiHeadSelfAttention _attention;
    private readonly FeedForward _feedForward;
    private readonly LayerNorm _attentionNorm, _ffnNorm;
    private readonly bool _preNorm;
    private readonly int _channels;
    // Kept for Backward. Post-LN: first = x + attn(x), second = h + ffn(h); h = LN1(first) and out = LN2(second)
    // stay in the norms' own outputs. Pre-LN: first = h = x + attn(n1), second = out = h + ffn(n2); n1 and n2 likewise.
    private readonly ArenaBuffer _first, _second, _gradA, _gradB;
    private int _lastLength;

    /// <summary>
    /// Reserves what Forward keeps for Backward in <paramref name="arena"/> and what lives only inside one
    /// block's Forward or Backward (temporaries, gradients) in <paramref name="scratch"/>, which the model
    /// shares between blocks.
    /// </summary>
    public TransformerBlock(TransformerParameters parameters, int layer, DenseLayerFactory dense, TrainingState state,
        ActivationArena arena, ActivationArena scratch, int maxBatch, int maxSeq)
    {
        var config = parameters.Config;
        if (config.Family == ModelFamily.Gpt2 && (!config.ScaleAttentionWeights || config.ScaleAttentionByInverseLayerIndex))
            throw new NotSupportedException("GPT-2 configs with scale_attn_weights = false or scale_attn_by_inverse_layer_idx = true are not supported");
        var set = parameters.Set;
        var p = $"layers.{layer}.";
        var eps = (float)config.LayerNormEps;
        var maxRows = checked(maxBatch * maxSeq);
        var n = checked(maxRows * config.HiddenSize);
        _channels = config.HiddenSize;
        _preNorm = config.Family == ModelFamily.Gpt2;
        var hiddenDropout = (float)config.HiddenDropout;
        _attention = new MultiHeadSelfAttention(
            dense(p + "attention.query"), dense(p + "attention.key"), dense(p + "attention.value"), dense(p + "attention.output"),
            config.NumHeads, causal: _preNorm,
            new DropoutLayer(p + "attention.probs_dropout", (float)config.AttentionDropout, state),
            new DropoutLayer(p + "attention.output_dropout", hiddenDropout, state), arena, maxBatch, maxSeq, scratch);
        _feedForward = new FeedForward(dense(p + "ffn.up"), dense(p + "ffn.down"), Activations.Parse(config.ActivationName),
            new DropoutLayer(p + "ffn.dropout", hiddenDropout, state), arena, maxRows, scratch);
        _attentionNorm = new LayerNorm(set, p + "attention_norm.weight", p + "attention_norm.bias", eps, arena, maxRows);
        _ffnNorm = new LayerNorm(set, p + "ffn_norm.weight", p + "ffn_norm.bias", eps, arena, maxRows);
        _first = arena.Reserve(n);
        _second = arena.Reserve(n);
        _gradA = scratch.Reserve(n);
        _gradB = scratch.Reserve(n);
    }

    /// <summary>
    /// out[B·T, C] from x[B·T, C]; the span stays valid until this block's next Forward. Without
    /// <paramref name="forBackward"/> it skips what only a backward needs (no Backward may follow).
    /// </summary>
    public Span<float> Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> mask, int batch, int seq, bool forBackward = true)
    {
        var rows = batch * seq;
        var n = rows * _channels;
        var first = _first.Slice(n);
        var second = _second.Slice(n);
        _lastLength = n;
        if (_preNorm)
        {
            var n1 = _attentionNorm.Forward(input, rows);
            ResidualKernel.Forward(first, input, _attention.Forward(n1, mask, batch, seq), n);
            var n2 = _ffnNorm.Forward(first, rows);
            ResidualKernel.Forward(second, first, _feedForward.Forward(n2, rows, forBackward), n);
            return second;
        }
        ResidualKernel.Forward(first, input, _attention.Forward(input, mask, batch, seq), n);
        var h = _attentionNorm.Forward(first, rows);
        ResidualKernel.Forward(second, h, _feedForward.Forward(h, rows, forBackward), n);
        return _ffnNorm.Forward(second, rows);
    }

    /// <summary>The output of the last Forward.</summary>
    public ReadOnlySpan<float> LastOutput => _preNorm ? _second.Slice(_lastLength) : _ffnNorm.Output(_lastLength / _channels);

    /// <summary>
    /// Differentiates Forward (same input, mask and shape): writes dL/dx into <paramref name="inputGradient"/>
    /// (overwriting it; skipped when it is empty) and accumulates every parameter gradient of the block.
    /// </summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<int> mask, ReadOnlySpan<float> outputGradient, Span<float> inputGradient,
        int batch, int seq)
    {
        var rows = batch * seq;
        var n = rows * _channels;
        var gradA = _gradA.Slice(n);
        var gradB = _gradB.Slice(n);
        var skipInput = inputGradient.IsEmpty;
        if (_preNorm)
        {
            // out = h + ffn(LN2(h)): dh = dout + LN2ᵀ(ffnᵀ(dout)).
            outputGradient[..n].CopyTo(gradA);
            gradB.Clear();
            _feedForward.Backward(_ffnNorm.Output(rows), outputGradient, gradB, rows);
            _ffnNorm.Backward(_first.Slice(n), gradB, gradA, rows);
            // h = x + attn(LN1(x)): dx = dh + LN1ᵀ(attnᵀ(dh)). Without an input gradient LN1's own gradients are still
            // needed, so its dx goes to gradA, dead once the attention backward has read it.
            gradB.Clear();
            _attention.Backward(_attentionNorm.Output(rows), mask, gradA, gradB, batch, seq);
            if (!skipInput) gradA.CopyTo(inputGradient[..n]);
            _attentionNorm.Backward(input, gradB, skipInput ? gradA : inputGradient[..n], rows);
            return;
        }
        // out = LN2(h + ffn(h)): ds2 = LN2ᵀ(dout); dh = ds2 + ffnᵀ(ds2).
        gradA.Clear();
        _ffnNorm.Backward(_second.Slice(n), outputGradient, gradA, rows);
        gradA.CopyTo(gradB);
        _feedForward.Backward(_attentionNorm.Output(rows), gradA, gradB, rows);
        // h = LN1(x + attn(x)): ds1 = LN1ᵀ(dh); dx = ds1 + attnᵀ(ds1).
        gradA.Clear();
        _attentionNorm.Backward(_first.Slice(n), gradB, gradA, rows);
        if (!skipInput) gradA.CopyTo(inputGradient[..n]);
        _attention.Backward(input, mask, gradA, skipInput ? Span<float>.Empty : inputGradient[..n], batch, seq);
    }
}
