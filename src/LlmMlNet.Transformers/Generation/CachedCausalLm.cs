// GPT-2's forward for generation: new tokens in, the next-token logits of each row's last new token
// out, with every layer's keys and values appended to a KvCache so the following token costs one
// incremental step. Inference only (no dropout, nothing kept for a backward), so the training path
// (Models/TransformerModel) is untouched. Decode steps (a few rows) run the dense layers as
// FewRowsLinear, reading each weight once. Not the search loop (TokenGenerator).
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Models;
using ResidualKernel = LlmMlNet.Tensors.Kernels.Residual;

namespace LlmMlNet.Transformers.Generation;

/// <summary>A causal language model (GPT-2 family) that runs incrementally over a <see cref="KvCache"/>.</summary>
public sealed class CachedCausalLm
{
    private readonly ParameterSet _set;
    private readonly Layer[] _layers;
    private readonly ParameterHandle _word, _position, _finalWeight, _finalBias;
    private readonly ActivationFunction _activation;
    private readonly float _eps;
    private float[] _x = [], _h = [], _q = [], _k = [], _v = [], _context = [], _projected = [], _inner = [], _stats = [], _last = [];
    private int[] _positions = [];
    // Forward's scratch is shared: concurrent sessions (each with its own cache) take turns per call.
    private readonly Lock _gate = new();
    private readonly ScreenedArgmax _screen = new();
    private bool _screenReady;
    private float[] _greedyLogits = [];

    private sealed record Layer(ParameterHandle Norm1Weight, ParameterHandle Norm1Bias, IDenseLayer Query, IDenseLayer Key, IDenseLayer Value,
        IDenseLayer Output, ParameterHandle Norm2Weight, ParameterHandle Norm2Bias, IDenseLayer Up, IDenseLayer Down);

    /// <summary>Binds the decoder to <paramref name="parameters"/> (values are read at each call, so later training shows).</summary>
    /// <param name="parameters">A GPT-2 body (the LM head is the tied word embedding).</param>
    /// <param name="dense">Builds each dense layer from our prefix (e.g. "layers.0.attention.query"); null uses plain <see cref="Linear"/> layers.
    /// A wrapper (LoRA) must accept any row count up to the largest batch × prompt length used.</param>
    /// <exception cref="NotSupportedException">The family is not GPT-2, or its attention scaling options are unsupported.</exception>
    public CachedCausalLm(TransformerParameters parameters, DenseLayerFactory? dense = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var config = parameters.Config;
        if (config.Family != ModelFamily.Gpt2)
            throw new NotSupportedException($"generation needs a causal language model (GPT-2 family); this model is {config.Family}");
        if (!config.ScaleAttentionWeights || config.ScaleAttentionByInverseLayerIndex)
            throw new NotSupportedException("GPT-2 configs with scale_attn_weights = false or scale_attn_by_inverse_layer_idx = true are not supported");
        Parameters = parameters;
        _set = parameters.Set;
        dense ??= prefix => new Linear(_set, prefix + ".weight", prefix + ".bias");
        _layers = new Layer[config.NumLayers];
        for (var i = 0; i < _layers.Length; i++)
        {
            var p = $"layers.{i}.";
            _layers[i] = new Layer(_set.Handle(p + "attention_norm.weight"), _set.Handle(p + "attention_norm.bias"),
                dense(p + "attention.query"), dense(p + "attention.key"), dense(p + "attention.value"), dense(p + "attention.output"),
                _set.Handle(p + "ffn_norm.weight"), _set.Handle(p + "ffn_norm.bias"), dense(p + "ffn.up"), dense(p + "ffn.down"));
        }
        _word = _set.Handle("embeddings.word");
        _position = _set.Handle("embeddings.position");
        _finalWeight = _set.Handle("final_norm.weight");
        _finalBias = _set.Handle("final_norm.bias");
        _activation = Activations.Parse(config.ActivationName);
        _eps = (float)config.LayerNormEps;
    }

    /// <summary>The parameters.</summary>
    public TransformerParameters Parameters { get; }

    /// <summary>The configuration.</summary>
    public TransformerConfig Config => Parameters.Config;

    /// <summary>A cache for <paramref name="batch"/> rows of up to <paramref name="capacity"/> tokens (padding included).</summary>
    /// <exception cref="ArgumentException">A size is not positive, or capacity exceeds the position table.</exception>
    public KvCache CreateCache(int batch, int capacity)
    {
        if (capacity > Config.MaxPositions)
            throw new ArgumentException($"capacity {capacity} exceeds the model's {Config.MaxPositions} positions (n_positions)", nameof(capacity));
        return new KvCache(Config.NumLayers, batch, Config.NumHeads, Config.HiddenSize / Config.NumHeads, capacity);
    }

    /// <summary>
    /// Runs <paramref name="newTokens"/> tokens per row (ids and mask [batch, newTokens], row-major) after what
    /// <paramref name="cache"/> holds, appends their keys and values to it, and writes each row's next-token logits
    /// (those of its last new token) into <paramref name="logits"/> [batch, vocab]. Positions are those of Hugging Face's
    /// GPT-2 generation: a real token's position is the count of real tokens before it in its row; padding gets 1.
    /// Thread-safe: calls on different caches may come from several threads (they run one at a time).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree with the cache, the cache is full, an id is outside the vocabulary or a mask value is not 0/1; thrown before any work.</exception>
    public void Forward(KvCache cache, ReadOnlySpan<int> ids, ReadOnlySpan<int> mask, int newTokens, Span<float> logits)
    {
        if (logits.Length < cache.Batch * Config.VocabSize) throw new ArgumentException($"logits needs {cache.Batch * Config.VocabSize} values, got {logits.Length}", nameof(logits));
        Check(cache, ids, mask, newTokens);
        lock (_gate) Run(cache, ids, mask, newTokens, logits, []);
    }

    /// <summary>
    /// As <see cref="Forward"/>, but writes each row's greedy next token (the first id of the largest logit, as torch.argmax) instead
    /// of the logits. After <see cref="PrepareGreedy"/>, a large vocabulary is screened with a bfloat16 copy of the LM head and only
    /// near-best candidates are recomputed in float32 (the result is the float32 head's argmax; see ScreenedArgmax).
    /// </summary>
    internal void ForwardGreedy(KvCache cache, ReadOnlySpan<int> ids, ReadOnlySpan<int> mask, int newTokens, Span<int> tokens)
    {
        Check(cache, ids, mask, newTokens);
        lock (_gate) Run(cache, ids, mask, newTokens, [], tokens[..cache.Batch]);
    }

    /// <summary>Snapshots the LM head for greedy screening when the vocabulary is large (call when the weights may have changed).</summary>
    internal void PrepareGreedy()
    {
        lock (_gate)
        {
            _screenReady = (long)Config.VocabSize * Config.HiddenSize >= ScreenedArgmax.Threshold;
            if (_screenReady) _screen.Refresh(_set.Value(_word), Config.VocabSize, Config.HiddenSize);
        }
    }

    private void Check(KvCache cache, ReadOnlySpan<int> ids, ReadOnlySpan<int> mask, int newTokens)
    {
        ArgumentNullException.ThrowIfNull(cache);
        int batch = cache.Batch, c = Config.HiddenSize, vocab = Config.VocabSize, rows = checked(batch * newTokens);
        if (cache.Layers != Config.NumLayers || cache.Heads * cache.HeadSize != c)
            throw new ArgumentException("the cache was made for another model", nameof(cache));
        if (newTokens <= 0) throw new ArgumentException($"newTokens must be positive, got {newTokens}", nameof(newTokens));
        if (cache.Length + newTokens > cache.Capacity)
            throw new ArgumentException($"the cache holds {cache.Length} of {cache.Capacity} tokens per row; {newTokens} more do not fit", nameof(newTokens));
        if (ids.Length != rows || mask.Length != rows)
            throw new ArgumentException($"ids and mask need batch × newTokens = {rows} values, got {ids.Length} and {mask.Length}", nameof(ids));
        for (var i = 0; i < rows; i++)
        {
            if ((uint)ids[i] >= (uint)vocab)
                throw new ArgumentException($"input_ids[{i / newTokens}][{cache.Length + i % newTokens}] = {ids[i]} is outside the vocabulary of {vocab}", nameof(ids));
            if (mask[i] is not (0 or 1))
                throw new ArgumentException($"attention_mask[{i / newTokens}][{cache.Length + i % newTokens}] = {mask[i]} must be 0 or 1", nameof(mask));
        }
    }

    private void Run(KvCache cache, ReadOnlySpan<int> ids, ReadOnlySpan<int> mask, int newTokens, Span<float> logits, Span<int> greedy)
    {
        int batch = cache.Batch, c = Config.HiddenSize, vocab = Config.VocabSize, rows = batch * newTokens;
        Ensure(rows, batch);
        var positions = _positions.AsSpan(0, rows);
        var real = cache.RealTokens;
        for (int b = 0; b < batch; b++)
        {
            var count = real[b];
            for (int i = 0; i < newTokens; i++)
            {
                int index = b * newTokens + i;
                cache.Mask[b * cache.Capacity + cache.Length + i] = mask[index];
                positions[index] = mask[index] == 1 ? count++ : 1;
            }
            if (count > Config.MaxPositions)
                throw new ArgumentException($"row {b} would hold {count} real tokens; the model has {Config.MaxPositions} positions", nameof(ids));
        }
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < newTokens; i++) real[b] += mask[b * newTokens + i];

        var x = _x.AsSpan(0, rows * c);
        EmbeddingKernel.Forward(x, ids, _set.Value(_word), vocab, c);
        EmbeddingKernel.Forward(x, positions, _set.Value(_position), Config.MaxPositions, c, accumulate: true);
        var h = _h.AsSpan(0, rows * c);
        int ffn = Config.IntermediateSize;
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            Norm(h, x, layer.Norm1Weight, layer.Norm1Bias, rows);
            Dense(layer.Query, h, _q, rows);
            Dense(layer.Key, h, _k, rows);
            Dense(layer.Value, h, _v, rows);
            CachedAttention.Forward(cache, l, _q.AsSpan(0, rows * c), _k.AsSpan(0, rows * c), _v.AsSpan(0, rows * c), _context.AsSpan(0, rows * c), batch, newTokens);
            Dense(layer.Output, _context.AsSpan(0, rows * c), _projected, rows);
            ResidualKernel.Forward(x, x, _projected.AsSpan(0, rows * c), rows * c);
            Norm(h, x, layer.Norm2Weight, layer.Norm2Bias, rows);
            Dense(layer.Up, h, _inner, rows);
            var inner = _inner.AsSpan(0, rows * ffn);
            Activations.Forward(_activation, inner, inner);
            Dense(layer.Down, inner, _projected, rows);
            ResidualKernel.Forward(x, x, _projected.AsSpan(0, rows * c), rows * c);
        }
        cache.Length += newTokens;

        // Only each row's last new token needs ln_f and the LM head.
        var last = _last.AsSpan(0, batch * c);
        for (int b = 0; b < batch; b++) x.Slice(((b + 1) * newTokens - 1) * c, c).CopyTo(last.Slice(b * c, c));
        var normed = _h.AsSpan(0, batch * c);
        Norm(normed, last, _finalWeight, _finalBias, batch);
        if (greedy.IsEmpty)
        {
            Project(_set.Value(_word), [], normed, logits[..(batch * vocab)], batch, c, vocab);
            return;
        }
        // Screening reads half the bytes of the head; with several rows the float32 head is bound by FMAs instead, and wins.
        if (_screenReady && batch <= ScreenedRows)
        {
            _screen.Argmax(normed, _set.Value(_word), batch, greedy);
            return;
        }
        if (_greedyLogits.Length < batch * vocab) _greedyLogits = new float[batch * vocab];
        Project(_set.Value(_word), [], normed, _greedyLogits.AsSpan(0, batch * vocab), batch, c, vocab);
        for (int b = 0; b < batch; b++) greedy[b] = LogitsProcessing.Argmax(_greedyLogits.AsSpan(b * vocab, vocab));
    }

    // Most rows a screened greedy step takes (see Run).
    internal static int ScreenedRows { get; set; } = 2;

    private void Norm(Span<float> output, ReadOnlySpan<float> input, ParameterHandle weight, ParameterHandle bias, int rows) =>
        LayerNormKernel.Forward(output, _stats.AsSpan(0, rows), _stats.AsSpan(rows, rows), input, _set.Value(weight), _set.Value(bias),
            rows, Config.HiddenSize, _eps);

    private void Dense(IDenseLayer layer, ReadOnlySpan<float> input, float[] output, int rows)
    {
        var destination = output.AsSpan(0, rows * layer.OutFeatures);
        if (layer is Linear linear)
            Project(_set.Value(linear.Weight), linear.Bias is { } b ? _set.Value(b) : [], input, destination, rows, linear.InFeatures, linear.OutFeatures);
        else layer.Forward(input, destination, rows);
    }

    // y = x·Wᵀ + b: a decode step's few rows read W once (FewRowsLinear); a prompt's many rows use the blocked GEMM.
    private static void Project(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> input, Span<float> output, int rows, int inF, int outF)
    {
        if (rows <= FewRowsLinear.MaxRows)
        {
            FewRowsLinear.Forward(output, input, weight, bias, rows, inF, outF);
            return;
        }
        Gemm.Sgemm(false, true, rows, outF, inF, 1f, input, inF, weight, inF, 0f, output, outF);
        if (!bias.IsEmpty) BiasAdd.Forward(output, bias, rows, outF);
    }

    private void Ensure(int rows, int batch)
    {
        int c = Config.HiddenSize;
        if (_x.Length >= rows * c && _last.Length >= batch * c && _h.Length >= batch * c) return;
        int n = rows * c;
        (_x, _h, _q, _k, _v, _context, _projected) = (new float[n], new float[Math.Max(n, batch * c)], new float[n], new float[n], new float[n], new float[n], new float[n]);
        _inner = new float[rows * Config.IntermediateSize];
        _stats = new float[2 * Math.Max(rows, batch)];
        _last = new float[batch * c];
        _positions = new int[rows];
    }
}
