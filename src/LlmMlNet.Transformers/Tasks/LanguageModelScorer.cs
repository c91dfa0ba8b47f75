// Per-text perplexity of a language model, batched: a causal LM scores exp(mean NLL of each next token); a
// masked LM scores the pseudo-perplexity of Salazar et al. (2020): each real token masked once, exp(mean NLL of
// the originals), the masked copies run many per forward pass. Deterministic (eval mode, no sampling). Not a
// trainer, and not corpus perplexity over packed blocks (CausalLmEvaluation.Perplexity).
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Scores texts by a pre-trained language model's perplexity.</summary>
public sealed class LanguageModelScorer
{
    private readonly TransformerModel _model;
    private readonly TransformerHead _head;
    private readonly Tokenizer _tokenizer;
    private readonly EncodeOptions _encode;
    private readonly PretrainingObjective _objective;
    private readonly int _maskId, _padId;
    private readonly object _gate = new();

    /// <summary>Builds the scorer over <paramref name="parameters"/> (encoder and LM head; GPT-2's is tied to its embedding).</summary>
    /// <param name="parameters">The language model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="objective">Causal LM (next-token perplexity) or masked LM (pseudo-perplexity).</param>
    /// <param name="maxLength">Tokens per text, special tokens included (capped by the position table); longer texts are truncated.</param>
    /// <param name="batchSize">Sequences per forward pass (masked LM: masked copies).</param>
    /// <exception cref="InvalidOperationException">Masked LM with a tokenizer that has no mask token.</exception>
    public LanguageModelScorer(TransformerParameters parameters, Tokenizer tokenizer, PretrainingObjective objective, int maxLength, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var config = parameters.Config;
        int length = Math.Min(maxLength, config.MaxPositions - config.PositionOffset);
        _model = new TransformerModel(parameters, batchSize, length);
        _head = objective == PretrainingObjective.MaskedLm ? new MaskedLmHead(_model) : new CausalLmHead(_model);
        _model.Commit();
        _objective = objective;
        _tokenizer = tokenizer;
        _encode = new EncodeOptions { Truncation = new TruncationOptions { MaxLength = length } };
        _maskId = objective == PretrainingObjective.MaskedLm
            ? tokenizer.MaskTokenId ?? throw new InvalidOperationException("Masked-LM perplexity needs a tokenizer with a mask token.")
            : -1;
        _padId = tokenizer.PadTokenId ?? tokenizer.EosTokenId ?? 0;
        BatchSize = batchSize;
    }

    /// <summary>Sequences per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>One perplexity per text, in order; NaN for a text with nothing to predict (fewer than two tokens, or no maskable token). Thread-safe.</summary>
    public float[] Score(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = _tokenizer.EncodeBatch(texts.Select(t => t ?? "").ToArray(), _encode);
        var nll = new double[rows.Count];
        var counts = new int[rows.Count];
        // Every unit is (row, sequence to run, position whose logits predict, target id).
        var units = new List<(int Row, int[] Ids, int Position, int Target)>();
        for (int r = 0; r < rows.Count; r++)
        {
            var ids = rows[r].Ids.ToArray();
            if (_objective == PretrainingObjective.CausalLm)
            {
                if (ids.Length >= 2) units.Add((r, ids, -1, -1));
                continue;
            }
            var sequences = rows[r].SequenceIds;
            for (int i = 0; i < ids.Length; i++)
            {
                if (sequences[i] is null) continue; // special tokens are not scored
                var masked = (int[])ids.Clone();
                masked[i] = _maskId;
                units.Add((r, masked, i, ids[i]));
            }
        }
        lock (_gate)
        {
            foreach (var chunk in units.Chunk(BatchSize)) Run(chunk, nll, counts);
        }
        var result = new float[rows.Count];
        for (int r = 0; r < rows.Count; r++) result[r] = counts[r] == 0 ? float.NaN : (float)Math.Exp(nll[r] / counts[r]);
        return result;
    }

    private void Run((int Row, int[] Ids, int Position, int Target)[] chunk, double[] nll, int[] counts)
    {
        int length = chunk.Max(u => u.Ids.Length);
        var ids = new int[chunk.Length * length];
        var mask = new int[ids.Length];
        Array.Fill(ids, _padId);
        for (int b = 0; b < chunk.Length; b++)
        {
            chunk[b].Ids.CopyTo(ids, b * length);
            mask.AsSpan(b * length, chunk[b].Ids.Length).Fill(1);
        }
        _model.IsTraining = false;
        var logits = _head.Forward(_model.Forward(new ModelBatch(chunk.Length, length, ids, mask)));
        int v = _model.Config.VocabSize;
        for (int b = 0; b < chunk.Length; b++)
        {
            var unit = chunk[b];
            if (_objective == PretrainingObjective.CausalLm)
            {
                for (int t = 0; t + 1 < unit.Ids.Length; t++)
                {
                    nll[unit.Row] -= LogSoftmaxAt(logits.Slice((b * length + t) * v, v), unit.Ids[t + 1]);
                    counts[unit.Row]++;
                }
            }
            else
            {
                nll[unit.Row] -= LogSoftmaxAt(logits.Slice((b * length + unit.Position) * v, v), unit.Target);
                counts[unit.Row]++;
            }
        }
    }

    private static double LogSoftmaxAt(ReadOnlySpan<float> logits, int target)
    {
        float max = System.Numerics.Tensors.TensorPrimitives.Max(logits);
        double sum = 0;
        foreach (float value in logits) sum += Math.Exp(value - max);
        return logits[target] - max - Math.Log(sum);
    }
}
