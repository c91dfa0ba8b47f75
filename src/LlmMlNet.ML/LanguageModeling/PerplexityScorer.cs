// Per-row perplexity of a language model, batched: causal LM scores exp(mean NLL of each next token); masked LM
// scores the pseudo-perplexity of Salazar et al. (2020): each real token masked once, exp(mean NLL of the originals),
// the masked copies run many per forward pass. Deterministic (eval mode, no sampling). Not a trainer.
using LlmMlNet.ML.Text;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.ML.LanguageModeling;

internal sealed class PerplexityScorer
{
    private readonly TransformerModel _model;
    private readonly TransformerHead _head;
    private readonly TokenEncoder _encoder;
    private readonly PretrainingObjective _objective;
    private readonly int _maskId;
    private readonly object _gate = new();

    public PerplexityScorer(TransformerParameters parameters, Tokenizer tokenizer, PretrainingObjective objective, int maxSequenceLength, int batchSize)
    {
        var config = parameters.Config;
        int length = Math.Min(maxSequenceLength, config.MaxPositions - config.PositionOffset);
        _model = new TransformerModel(parameters, batchSize, length);
        _head = objective == PretrainingObjective.MaskedLm ? new MaskedLmHead(_model) : new CausalLmHead(_model);
        _model.Commit();
        _objective = objective;
        _encoder = new TokenEncoder(tokenizer, length);
        _maskId = objective == PretrainingObjective.MaskedLm
            ? tokenizer.MaskTokenId ?? throw new InvalidOperationException("Masked-LM perplexity needs a tokenizer with a mask token.")
            : -1;
        BatchSize = batchSize;
    }

    public int BatchSize { get; }

    /// <summary>One perplexity per text; NaN for a text with nothing to predict (fewer than two tokens, or no maskable token).</summary>
    public float[] Score(IReadOnlyList<string> texts)
    {
        var rows = _encoder.Encode(texts.Select(t => (t ?? "", (string?)null)).ToArray());
        var nll = new double[rows.Length];
        var counts = new int[rows.Length];
        // Every unit is (row, sequence to run, position whose logits predict, target id).
        var units = new List<(int Row, int[] Ids, int Position, int Target)>();
        for (int r = 0; r < rows.Length; r++)
        {
            var ids = rows[r].Ids;
            if (_objective == PretrainingObjective.CausalLm)
            {
                if (ids.Length >= 2) units.Add((r, ids, -1, -1));
                continue;
            }
            for (int i = 0; i < ids.Length; i++)
            {
                if (rows[r].SequenceIds[i] is null) continue; // special tokens are not scored
                var masked = (int[])ids.Clone();
                masked[i] = _maskId;
                units.Add((r, masked, i, ids[i]));
            }
        }
        lock (_gate)
        {
            foreach (var chunk in units.Chunk(BatchSize))
                Run(chunk, nll, counts);
        }
        var result = new float[rows.Length];
        for (int r = 0; r < rows.Length; r++) result[r] = counts[r] == 0 ? float.NaN : (float)Math.Exp(nll[r] / counts[r]);
        return result;
    }

    private void Run((int Row, int[] Ids, int Position, int Target)[] chunk, double[] nll, int[] counts)
    {
        var tokenRows = chunk.Select(u => new TokenRow(u.Ids, new int[u.Ids.Length], [], [])).ToArray();
        int length = TokenEncoder.Longest(tokenRows);
        var (ids, mask, _) = _encoder.Pack(tokenRows, length);
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
