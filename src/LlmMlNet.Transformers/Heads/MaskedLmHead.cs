// The masked-LM head of BERT, RoBERTa and DistilBERT: dense → activation → LayerNorm → decoder tied
// to the word embedding, plus a vocabulary bias; loss is cross-entropy over labels != -100. The
// decoder's gradient lands in the word embedding's gradient (the tie). A rows overload projects only
// the rows a caller gathered (pre-training's masked positions). Not a data collator (masking).
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Heads;

/// <summary>Masked-language-model head: logits [B·T, vocab].</summary>
public sealed class MaskedLmHead : TransformerHead
{
    private readonly Linear _dense, _decoder;
    private readonly LayerNorm _norm;
    private readonly ActivationFunction _activation;
    private readonly CrossEntropyLoss? _loss;
    private readonly ArenaBuffer _pre, _act, _normed, _logits, _dLogits, _dNormed, _dAct, _dPre;
    private readonly int _maxRows;
    private int[] _labels = [];
    private int _rows;

    /// <summary>
    /// Builds the head. Activation: the config's (BERT hidden_act, DistilBERT activation), except RoBERTa,
    /// whose lm_head always uses exact GELU as Hugging Face's RobertaLMHead does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The parameters lack the MaskedLm group, or the family is GPT-2.</exception>
    public MaskedLmHead(TransformerModel model) : this(model, logitsForEveryRow: true)
    {
    }

    /// <summary>
    /// Builds the head; with <paramref name="logitsForEveryRow"/> false it reserves no [B·T, vocab] logits
    /// and no loss, and only the rows overloads (<see cref="Forward(ReadOnlySpan{float}, Span{float}, int)"/>,
    /// <see cref="Backward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/>) may be used.
    /// Build it before the model's arena is committed (its first Forward).
    /// </summary>
    /// <exception cref="InvalidOperationException">The parameters lack the MaskedLm group, or the arena is committed.</exception>
    public MaskedLmHead(TransformerModel model, bool logitsForEveryRow) : base(model)
    {
        RequireGroup(KeyGroup.MaskedLm);
        var config = model.Config;
        var set = model.Parameters.Set;
        var rows = model.MaxBatch * model.MaxSequence;
        var c = config.HiddenSize;
        var v = config.VocabSize;
        _dense = new Linear(set, "mlm.dense.weight", "mlm.dense.bias");
        _decoder = new Linear(set, "embeddings.word", "mlm.bias");
        _norm = new LayerNorm(set, "mlm.norm.weight", "mlm.norm.bias", (float)config.LayerNormEps, model.Arena, rows);
        _activation = Activations.Parse(config.Family == ModelFamily.Roberta ? "gelu" : config.ActivationName);
        _maxRows = rows;
        var arena = model.Arena;
        if (logitsForEveryRow)
        {
            _loss = new CrossEntropyLoss(v, arena, rows);
            (_logits, _dLogits) = (arena.Reserve(checked(rows * v)), arena.Reserve(checked(rows * v)));
        }
        (_pre, _act, _normed) = (arena.Reserve(rows * c), arena.Reserve(rows * c), arena.Reserve(rows * c));
        (_dNormed, _dAct, _dPre) = (arena.Reserve(rows * c), arena.Reserve(rows * c), arena.Reserve(rows * c));
    }

    private CrossEntropyLoss EveryRowLoss => _loss ?? throw new InvalidOperationException(
        "This MaskedLmHead was built without logits for every row; use the rows overloads of Forward and Backward.");

    /// <inheritdoc />
    public override KeyGroup Group => KeyGroup.MaskedLm;

    /// <summary>logits[B·T, V] = LN(act(dense(h)))·Eᵀ + bias.</summary>
    /// <exception cref="InvalidOperationException">The head was built without logits for every row.</exception>
    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> hidden)
    {
        _ = EveryRowLoss;
        _rows = Model.Batch.TokenCount;
        var logits = _logits.Slice(_rows * Model.Config.VocabSize);
        Forward(hidden, logits, _rows);
        return logits;
    }

    /// <summary>
    /// The rows overload: logits[rows, V] (overwritten) = LN(act(dense(h)))·Eᵀ + bias for hidden[rows, C], any
    /// rows (e.g. gathered masked positions) up to the model's batch × sequence; keeps what the rows Backward needs.
    /// </summary>
    /// <exception cref="ArgumentException">rows is negative or above the model's batch × sequence, or a buffer is too short.</exception>
    public void Forward(ReadOnlySpan<float> hidden, Span<float> logits, int rows)
    {
        if (rows < 0 || rows > _maxRows) throw new ArgumentException($"rows = {rows} is outside [0, {_maxRows}] (the model's batch × sequence).", nameof(rows));
        int n = rows * Model.Config.HiddenSize;
        var pre = _pre.Slice(n);
        var act = _act.Slice(n);
        _dense.Forward(hidden, pre, rows);
        Activations.Forward(_activation, act, pre);
        var normed = _normed.Slice(n);
        _norm.Forward(act, rows).CopyTo(normed);
        _decoder.Forward(normed, logits, rows);
    }

    /// <summary>Mean cross-entropy over tokens whose label is not -100; labels are [B·T] token ids.</summary>
    /// <exception cref="ArgumentException">Wrong label count, or a label outside the vocabulary.</exception>
    /// <exception cref="InvalidOperationException">The head was built without logits for every row.</exception>
    public override float Loss(ReadOnlySpan<int> labels)
    {
        var loss = EveryRowLoss;
        if (labels.Length != _rows) throw new ArgumentException($"expected {_rows} labels (batch × sequence), got {labels.Length}", nameof(labels));
        _labels = labels.ToArray();
        return loss.Forward(_logits.Slice(_rows * Model.Config.VocabSize), _labels, _rows);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> hidden, Span<float> hiddenGradient)
    {
        var loss = EveryRowLoss;
        int v = Model.Config.VocabSize;
        var dLogits = _dLogits.Slice(_rows * v);
        dLogits.Clear();
        loss.Backward(_logits.Slice(_rows * v), _labels, dLogits, _rows);
        Backward(hidden, dLogits, hiddenGradient, _rows);
    }

    /// <summary>
    /// Differentiates the last rows Forward: hiddenGradient[rows, C] += dL/dh and the head's (and the tied
    /// embedding's) gradients += from logitsGradient[rows, V]. <paramref name="hidden"/> is that Forward's input.
    /// </summary>
    /// <exception cref="ArgumentException">rows is out of range or a buffer is too short.</exception>
    public void Backward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> logitsGradient, Span<float> hiddenGradient, int rows)
    {
        if (rows < 0 || rows > _maxRows) throw new ArgumentException($"rows = {rows} is outside [0, {_maxRows}] (the model's batch × sequence).", nameof(rows));
        int n = rows * Model.Config.HiddenSize;
        var dNormed = _dNormed.Slice(n);
        dNormed.Clear();
        _decoder.Backward(_normed.Slice(n), logitsGradient, dNormed, rows);
        var dAct = _dAct.Slice(n);
        dAct.Clear();
        _norm.Backward(_act.Slice(n), dNormed, dAct, rows);
        var dPre = _dPre.Slice(n);
        dPre.Clear();
        Activations.Backward(_activation, dPre, _pre.Slice(n), dAct);
        _dense.Backward(hidden, dPre, hiddenGradient, rows);
    }
}
