// The masked-LM head of BERT, RoBERTa and DistilBERT: dense → activation → LayerNorm → decoder tied
// to the word embedding, plus a vocabulary bias; loss is cross-entropy over labels != -100. The
// decoder's gradient lands in the word embedding's gradient (the tie). Not a data collator (masking).
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
    private readonly CrossEntropyLoss _loss;
    private readonly ArenaBuffer _pre, _act, _normed, _logits, _dLogits, _dNormed, _dAct, _dPre;
    private int[] _labels = [];
    private int _rows;

    /// <summary>
    /// Builds the head. Activation: the config's (BERT hidden_act, DistilBERT activation), except RoBERTa,
    /// whose lm_head always uses exact GELU as Hugging Face's RobertaLMHead does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The parameters lack the MaskedLm group, or the family is GPT-2.</exception>
    public MaskedLmHead(TransformerModel model) : base(model)
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
        _loss = new CrossEntropyLoss(v, model.Arena, rows);
        var arena = model.Arena;
        (_pre, _act, _normed) = (arena.Reserve(rows * c), arena.Reserve(rows * c), arena.Reserve(rows * c));
        (_logits, _dLogits) = (arena.Reserve(checked(rows * v)), arena.Reserve(checked(rows * v)));
        (_dNormed, _dAct, _dPre) = (arena.Reserve(rows * c), arena.Reserve(rows * c), arena.Reserve(rows * c));
    }

    /// <inheritdoc />
    public override KeyGroup Group => KeyGroup.MaskedLm;

    /// <summary>logits[B·T, V] = LN(act(dense(h)))·Eᵀ + bias.</summary>
    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> hidden)
    {
        _rows = Model.Batch.TokenCount;
        int c = Model.Config.HiddenSize, n = _rows * c;
        var pre = _pre.Slice(n);
        var act = _act.Slice(n);
        _dense.Forward(hidden, pre, _rows);
        Activations.Forward(_activation, act, pre);
        var normed = _normed.Slice(n);
        _norm.Forward(act, _rows).CopyTo(normed);
        var logits = _logits.Slice(_rows * Model.Config.VocabSize);
        _decoder.Forward(normed, logits, _rows);
        return logits;
    }

    /// <summary>Mean cross-entropy over tokens whose label is not -100; labels are [B·T] token ids.</summary>
    /// <exception cref="ArgumentException">Wrong label count, or a label outside the vocabulary.</exception>
    public override float Loss(ReadOnlySpan<int> labels)
    {
        if (labels.Length != _rows) throw new ArgumentException($"expected {_rows} labels (batch × sequence), got {labels.Length}", nameof(labels));
        _labels = labels.ToArray();
        return _loss.Forward(_logits.Slice(_rows * Model.Config.VocabSize), _labels, _rows);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> hidden, Span<float> hiddenGradient)
    {
        int c = Model.Config.HiddenSize, n = _rows * c, v = Model.Config.VocabSize;
        var dLogits = _dLogits.Slice(_rows * v);
        dLogits.Clear();
        _loss.Backward(_logits.Slice(_rows * v), _labels, dLogits, _rows);
        var dNormed = _dNormed.Slice(n);
        dNormed.Clear();
        _decoder.Backward(_normed.Slice(n), dLogits, dNormed, _rows);
        var dAct = _dAct.Slice(n);
        dAct.Clear();
        _norm.Backward(_act.Slice(n), dNormed, dAct, _rows);
        var dPre = _dPre.Slice(n);
        dPre.Clear();
        Activations.Backward(_activation, dPre, _pre.Slice(n), dAct);
        _dense.Backward(hidden, dPre, hiddenGradient, _rows);
    }
}
