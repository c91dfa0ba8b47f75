// One run of Hugging Face's decoding loop over a batch of prompts, a token at a time: left-pads the
// prompts, prefills the KV cache in one forward, then per step processes each unfinished row's
// logits (repetition penalty; temperature, top-k, top-p and a seeded draw when sampling; else
// argmax), appends the token and feeds only the new tokens back. A finished row keeps being fed a
// pad token (as HF does) and its output is ignored. Used by TokenGenerator (all steps at once) and
// TextGenerator's stream (step by step). Not the forward (CachedCausalLm).
using LlmMlNet.Tensors;

namespace LlmMlNet.Transformers.Generation;

/// <summary>A batch of prompts being continued, one <see cref="Step"/> at a time.</summary>
internal sealed class GenerationSession
{
    private readonly CachedCausalLm _model;
    private readonly GenerationOptions _options;
    private readonly KvCache _cache;
    private readonly float[] _logits, _probabilities, _scratch;
    private readonly int[] _order, _next, _ones, _chosen;
    private readonly bool[][] _seen;
    private readonly List<int>[] _generated;
    private readonly FinishReason?[] _finished;
    private readonly HashSet<int> _eos;
    private readonly int _padId;
    private readonly int[] _promptLengths;

    public GenerationSession(CachedCausalLm model, IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        options.Validate();
        if (prompts.Count == 0) throw new ArgumentException("no prompts given", nameof(prompts));
        var config = model.Config;
        int vocab = config.VocabSize, batch = prompts.Count;
        _promptLengths = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            if (prompts[b] is null || prompts[b].Count == 0)
                throw new ArgumentException($"prompt {b} is empty; a causal model needs at least one token (e.g. the BOS/EOS id)", nameof(prompts));
            for (var i = 0; i < prompts[b].Count; i++)
                if ((uint)prompts[b][i] >= (uint)vocab)
                    throw new ArgumentException($"prompt {b}, token {i}: id {prompts[b][i]} is outside the vocabulary of {vocab}", nameof(prompts));
            _promptLengths[b] = prompts[b].Count;
        }
        int longest = _promptLengths.Max();
        if (longest + options.MaxNewTokens > config.MaxPositions)
            throw new ArgumentException(
                $"the longest prompt ({longest} tokens) plus MaxNewTokens ({options.MaxNewTokens}) exceeds the model's {config.MaxPositions} positions", nameof(prompts));
        _model = model;
        _options = options;
        _eos = (options.EosTokenIds ?? (config.EosTokenId is { } e ? [e] : [])).ToHashSet();
        _padId = config.PadTokenId ?? config.EosTokenId ?? 0;
        if ((uint)_padId >= (uint)vocab) _padId = 0;
        _cache = model.CreateCache(batch, Math.Max(1, longest + options.MaxNewTokens));
        _logits = new float[batch * vocab];
        _probabilities = new float[vocab];
        _scratch = new float[vocab];
        _order = new int[vocab];
        _next = new int[batch];
        _chosen = new int[batch];
        _ones = Enumerable.Repeat(1, batch).ToArray();
        _seen = new bool[batch][];
        _generated = new List<int>[batch];
        _finished = new FinishReason?[batch];
        Prompts = prompts;
        for (var b = 0; b < batch; b++)
        {
            _generated[b] = [];
            if (options.RepetitionPenalty != 1f)
            {
                _seen[b] = new bool[vocab];
                foreach (var id in prompts[b]) _seen[b][id] = true;
            }
        }
        if (options.MaxNewTokens == 0) Array.Fill(_finished, FinishReason.Length);
        // Plain greedy needs only each row's best token, which the model can find without every exact logit.
        _argmaxOnly = !options.DoSample && options.RepetitionPenalty == 1f;
        if (_argmaxOnly && options.MaxNewTokens > 0) model.PrepareGreedy();
    }

    private readonly bool _argmaxOnly;

    /// <summary>The prompts.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Prompts { get; }

    /// <summary>Rows.</summary>
    public int Batch => Prompts.Count;

    /// <summary>True once every row has stopped.</summary>
    public bool IsDone => _finished.All(f => f.HasValue);

    /// <summary>Steps taken (new tokens per unfinished row so far).</summary>
    public int Steps { get; private set; }

    /// <summary>Row <paramref name="row"/>'s new ids so far.</summary>
    public IReadOnlyList<int> Generated(int row) => _generated[row];

    /// <summary>Why row <paramref name="row"/> stopped, or null while it goes on.</summary>
    public FinishReason? Finished(int row) => _finished[row];

    /// <summary>Stops a row from outside (a stop string).</summary>
    public void Stop(int row, FinishReason reason) => _finished[row] ??= reason;

    /// <summary>Generates one token for every unfinished row (the first call runs the prompts). Returns false when already done.</summary>
    public bool Step()
    {
        if (IsDone) return false;
        int batch = Batch, vocab = _model.Config.VocabSize;
        if (Steps == 0) Prefill();
        else
        {
            for (var b = 0; b < batch; b++) _next[b] = _finished[b].HasValue ? _padId : _generated[b][^1];
            if (_argmaxOnly) _model.ForwardGreedy(_cache, _next, _ones, 1, _chosen);
            else _model.Forward(_cache, _next, _ones, 1, _logits);
        }
        for (var b = 0; b < batch; b++)
        {
            if (_finished[b].HasValue) continue;
            var token = _argmaxOnly ? _chosen[b] : Choose(_logits.AsSpan(b * vocab, vocab), b);
            _generated[b].Add(token);
            if (_seen[b] is { } seen) seen[token] = true;
            if (_eos.Contains(token)) _finished[b] = FinishReason.EndOfSequence;
            else if (_generated[b].Count >= _options.MaxNewTokens) _finished[b] = FinishReason.Length;
        }
        Steps++;
        return true;
    }

    /// <summary>The results so far (a row still going reports <see cref="FinishReason.Length"/>).</summary>
    public GeneratedSequence Result(int row) => new(_generated[row].ToArray(), _finished[row] ?? FinishReason.Length, _promptLengths[row]);

    private void Prefill()
    {
        int batch = Batch, t = _promptLengths.Max();
        var ids = new int[batch * t];
        var mask = new int[batch * t];
        for (var b = 0; b < batch; b++)
        {
            int pad = t - _promptLengths[b];
            ids.AsSpan(b * t, pad).Fill(_padId);
            for (var i = 0; i < _promptLengths[b]; i++)
            {
                ids[b * t + pad + i] = Prompts[b][i];
                mask[b * t + pad + i] = 1;
            }
        }
        if (_argmaxOnly) _model.ForwardGreedy(_cache, ids, mask, t, _chosen);
        else _model.Forward(_cache, ids, mask, t, _logits);
    }

    private int Choose(Span<float> logits, int row)
    {
        if (_seen[row] is { } seen) LogitsProcessing.RepetitionPenalty(logits, seen, _options.RepetitionPenalty);
        if (!_options.DoSample) return LogitsProcessing.Argmax(logits);
        LogitsProcessing.Temperature(logits, _options.Temperature);
        LogitsProcessing.TopK(logits, _options.TopK, _scratch);
        LogitsProcessing.TopP(logits, _options.TopP, _scratch, _order);
        LogitsProcessing.Softmax(logits, _probabilities);
        // One uniform per (row, step) from a counter-based generator: reproducible and independent of threads.
        var uniform = CounterRng.UniformDouble(_options.Seed, (ulong)row, (ulong)Steps);
        return LogitsProcessing.Sample(_probabilities, uniform);
    }
}
