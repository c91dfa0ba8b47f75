// The embedding stage of every family: word + position (+ token type: BERT/RoBERTa's own table, GPT-2's
// wte when token_type_ids are given, as GPT2Model does) summed, then
// LayerNorm and dropout (BERT, RoBERTa, DistilBERT) or dropout only (GPT-2, whose first LayerNorm
// sits inside the first block). Position ids come from PositionIds. Not the blocks or the heads.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Transformers.Models;

/// <summary>Embedding sum, normalisation and dropout as a Forward/Backward pair.</summary>
internal sealed class TransformerEmbeddings
{
    private readonly Embedding _word, _position;
    private readonly Embedding? _tokenType;
    private readonly bool _typesFromWord;
    private bool _typesGiven;
    private readonly LayerNorm? _norm;
    private readonly DropoutLayer _dropout;
    private readonly ArenaBuffer _sum, _output, _dDropped, _dSum;
    private int _rows;
    private readonly int _channels;
    private readonly int[] _zeroTypes;
    private int[] _ids = [], _positions = [], _types = [];

    public TransformerEmbeddings(TransformerParameters parameters, TrainingState state, ActivationArena arena, int maxRows)
    {
        var config = parameters.Config;
        var set = parameters.Set;
        _channels = config.HiddenSize;
        _zeroTypes = new int[maxRows];
        _word = new Embedding(set, "embeddings.word", arena, maxRows);
        _position = new Embedding(set, "embeddings.position", arena, maxRows);
        if (parameters.Contains("embeddings.token_type")) _tokenType = new Embedding(set, "embeddings.token_type", arena, maxRows);
        _typesFromWord = config.Family == Checkpoints.ModelFamily.Gpt2;
        if (parameters.Contains("embeddings.norm.weight"))
            _norm = new LayerNorm(set, "embeddings.norm.weight", "embeddings.norm.bias", (float)config.LayerNormEps, arena, maxRows);
        _dropout = new DropoutLayer("embeddings.dropout", (float)config.EmbeddingDropout, state);
        _sum = arena.Reserve(checked(maxRows * _channels));
        _output = arena.Reserve(checked(maxRows * _channels));
        _dDropped = arena.Reserve(checked(maxRows * _channels));
        _dSum = arena.Reserve(_norm != null ? checked(maxRows * _channels) : 0);
    }

    /// <summary>x[B·T, C] = dropout(norm(word[ids] + position[pos] + type[types])) (GPT-2: type = word); returned from the arena.</summary>
    public Span<float> Forward(int[] ids, int[] positions, int[]? tokenTypes, int rows)
    {
        (_ids, _positions) = (ids, positions);
        var sum = _sum.Slice(rows * _channels);
        sum.Clear();
        _word.ForwardAdd(ids.AsSpan(0, rows), sum);
        _position.ForwardAdd(positions.AsSpan(0, rows), sum);
        if (_tokenType != null)
        {
            _types = tokenTypes ?? _zeroTypes;
            _tokenType.ForwardAdd(_types.AsSpan(0, rows), sum);
        }
        _typesGiven = _typesFromWord && tokenTypes != null;
        if (_typesGiven)
        {
            _types = tokenTypes!;
            _word.ForwardAdd(_types.AsSpan(0, rows), sum);
        }
        _rows = rows;
        var output = _output.Slice(rows * _channels);
        (_norm != null ? _norm.Forward(sum, rows) : sum).CopyTo(output);
        _dropout.Forward(output);
        return output;
    }

    /// <summary>The output of the last Forward.</summary>
    /// <summary>True when any embedding table or the embedding LayerNorm trains; when false, Backward is a no-op and callers may skip the input gradient.</summary>
    public bool IsTrainable => _word.IsTrainable || _position.IsTrainable || (_tokenType?.IsTrainable ?? false) || (_norm?.IsTrainable ?? false);

    public ReadOnlySpan<float> LastOutput => _output.Slice(_rows * _channels);

    /// <summary>Differentiates Forward: accumulates the three tables' gradients from dL/dx.</summary>
    public void Backward(ReadOnlySpan<float> outputGradient, int rows)
    {
        if (!IsTrainable) return;
        var n = rows * _channels;
        var dDropped = _dDropped.Slice(n);
        dDropped.Clear();
        _dropout.Backward(outputGradient[..n], dDropped);
        ReadOnlySpan<float> dSum = dDropped;
        if (_norm != null)
        {
            var dNormInput = _dSum.Slice(n);
            dNormInput.Clear();
            _norm.Backward(_sum.Slice(n), dDropped, dNormInput, rows);
            dSum = dNormInput;
        }
        _word.Backward(_ids.AsSpan(0, rows), dSum);
        _position.Backward(_positions.AsSpan(0, rows), dSum);
        _tokenType?.Backward(_types.AsSpan(0, rows), dSum);
        if (_typesGiven) _word.Backward(_types.AsSpan(0, rows), dSum);
    }
}
