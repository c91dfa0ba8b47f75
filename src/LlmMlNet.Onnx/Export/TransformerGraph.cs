// The body of every family as ONNX nodes, mirroring TransformerModel: the graph inputs named as Hugging Face's
// exporters name them (input_ids, attention_mask, token_type_ids for BERT; int64 [batch, sequence]), the
// embedding sum with the family's position ids computed in the graph (0..T-1, RoBERTa's padding offset, GPT-2's
// past length + 0..T-1), post-LN or pre-LN blocks, and GPT-2's optional past key values (Optimum's names:
// past_key_values.N.key/value in, present.N.key/value out, [batch, heads, length, head size]). Not the heads.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace LlmMlNet.Onnx.Export;

/// <summary>Writes the body's nodes and returns last_hidden_state.</summary>
internal sealed class TransformerGraph
{
    public const string Batch = "batch_size", Sequence = "sequence_length", PastSequence = "past_sequence_length";
    public const string PastPlusSequence = "past_sequence_length + sequence_length";

    private readonly GraphLayers _layers;
    private readonly OnnxGraph _g;
    private readonly TransformerConfig _config;
    private readonly bool _withPast;
    private string _allowed = "";
    private string _pastLength = "";
    private string? _headsShape, _mergeShape;

    public TransformerGraph(GraphLayers layers, bool withPast)
    {
        _layers = layers;
        _g = layers.Graph;
        _config = layers.Weights.Config;
        _withPast = withPast;
        if (withPast && _config.Family != ModelFamily.Gpt2) throw new NotSupportedException("past key values are exported for GPT-2 only");
        InputIds = _g.Input("input_ids", DataType.Int64, Batch, Sequence);
        AttentionMask = _g.Input("attention_mask", DataType.Int64, Batch, withPast ? PastPlusSequence : Sequence);
        if (UsesTokenTypes(_config)) TokenTypeIds = _g.Input("token_type_ids", DataType.Int64, Batch, Sequence);
        if (!withPast) return;
        for (var i = 0; i < _config.NumLayers; i++)
            foreach (var kind in new[] { "key", "value" })
                _g.Input($"past_key_values.{i}.{kind}", DataType.Float, Batch, _config.NumHeads, PastSequence, _config.HeadSize);
    }

    /// <summary>Declares GPT-2's present.N.key/value outputs [batch, heads, past + sequence, head size] (after <see cref="Build"/>).</summary>
    public void DeclarePresent()
    {
        for (var i = 0; i < _config.NumLayers; i++)
            foreach (var kind in new[] { "key", "value" })
                _g.Output($"present.{i}.{kind}", $"present.{i}.{kind}", DataType.Float, Batch, _config.NumHeads, PastPlusSequence, _config.HeadSize);
    }

    /// <summary>BERT takes token_type_ids; RoBERTa (one type), DistilBERT and GPT-2 do not, as in Optimum's exports.</summary>
    public static bool UsesTokenTypes(TransformerConfig config) => config.Family == ModelFamily.Bert;

    public string InputIds { get; }

    public string AttentionMask { get; }

    public string? TokenTypeIds { get; }

    /// <summary>last_hidden_state [B, T, C] (after GPT-2's ln_f).</summary>
    public string Build()
    {
        var x = Embeddings();
        _allowed = AllowedKeys();
        for (var i = 0; i < _config.NumLayers; i++) x = Block(x, i);
        if (_layers.Weights.Contains("final_norm.weight")) x = _layers.LayerNorm(x, "final_norm");
        return x;
    }

    private string Embeddings()
    {
        var g = _g;
        var sum = g.Node("Gather", [_layers.Tensor("embeddings.word"), InputIds]);
        sum = g.Node("Add", [sum, g.Node("Gather", [_layers.Tensor("embeddings.position"), Positions()])]);
        if (TokenTypeIds is not null)
            sum = g.Node("Add", [sum, g.Node("Gather", [_layers.Tensor("embeddings.token_type"), TokenTypeIds])]);
        else if (_layers.Weights.Contains("embeddings.token_type"))
        {
            // RoBERTa without token_type_ids: every token has type 0, so its row is added to every position.
            var row = _layers.Weights["embeddings.token_type"][.._config.HiddenSize];
            sum = g.Node("Add", [sum, g.Floats("embeddings.token_type.row0", row, _config.HiddenSize)]);
        }
        return _layers.Weights.Contains("embeddings.norm.weight") ? _layers.LayerNorm(sum, "embeddings.norm") : sum;
    }

    // Position ids as PositionIds computes them when the batch has none.
    private string Positions()
    {
        var g = _g;
        var length = g.Node("Gather", [g.Node("Shape", [InputIds]), g.ScalarInt64(1)]);
        if (_config.Family == ModelFamily.Roberta)
        {
            // padding_idx + cumulative count of non-pad tokens for real tokens, padding_idx for pads (decided by the id).
            var pad = _config.PadTokenId ?? 1;
            var real = g.Node("Cast", [g.Node("Not", [g.Node("Equal", [InputIds, g.ScalarInt64(pad)])])], null, OnnxGraph.Attr("to", (long)DataType.Int64));
            var count = g.Node("CumSum", [real, g.ScalarInt64(1)]);
            return g.Node("Add", [g.Node("Mul", [count, real]), g.ScalarInt64(pad)]);
        }
        var start = g.ScalarInt64(0);
        if (_withPast)
        {
            _pastLength = g.Node("Gather", [g.Node("Shape", ["past_key_values.0.key"]), g.ScalarInt64(2)]);
            start = _pastLength;
            length = g.Node("Add", [length, _pastLength]);
        }
        return g.Node("Range", [start, length, g.ScalarInt64(1)]);
    }

    // Which keys each query may see, as a bool tensor broadcast to [B, 1, Tq, Tk]: the padding mask, and for GPT-2
    // the causal mask key ≤ past + query. Scores of hidden keys become float.MinValue (Hugging Face's finfo.min).
    private string AllowedKeys()
    {
        var g = _g;
        var keys = g.Node("Cast", [g.Node("Unsqueeze", [AttentionMask, g.Int64s("axes_1_2", [1, 2])])], null, OnnxGraph.Attr("to", (long)DataType.Bool));
        if (_config.Family != ModelFamily.Gpt2) return keys;
        // ones [Tq, Tk] kept on and below the diagonal shifted right by the past length.
        var shape = g.Node("Concat", [g.Node("Shape", [InputIds], null, OnnxGraph.Attr("start", 1L)), g.Node("Shape", [AttentionMask], null, OnnxGraph.Attr("start", 1L))], null,
            OnnxGraph.Attr("axis", 0L));
        var ones = g.Node("ConstantOfShape", [shape], null, OnnxGraph.Attr("value", OneInt64()));
        var lower = g.Node("Trilu", _withPast ? [ones, _pastLength] : [ones], null, OnnxGraph.Attr("upper", 0L));
        var causal = g.Node("Cast", [lower], null, OnnxGraph.Attr("to", (long)DataType.Bool));
        return g.Node("And", [keys, causal]);
    }

    private static global::Onnx.TensorProto OneInt64()
    {
        var t = new global::Onnx.TensorProto { DataType = (int)DataType.Int64 };
        t.Dims.Add(1);
        t.Int64Data.Add(1);
        return t;
    }

    private string Block(string x, int layer)
    {
        var p = $"layers.{layer}.";
        if (_config.Family == ModelFamily.Gpt2)
        {
            var h = _g.Node("Add", [x, Attention(_layers.LayerNorm(x, p + "attention_norm"), layer)]);
            return _g.Node("Add", [h, FeedForward(_layers.LayerNorm(h, p + "ffn_norm"), layer)]);
        }
        var h1 = _layers.LayerNorm(_g.Node("Add", [x, Attention(x, layer)]), p + "attention_norm");
        return _layers.LayerNorm(_g.Node("Add", [h1, FeedForward(h1, layer)]), p + "ffn_norm");
    }

    private string FeedForward(string x, int layer)
    {
        var p = $"layers.{layer}.ffn.";
        return _layers.Dense(_layers.Activation(_layers.Dense(x, p + "up"), Activations.Parse(_config.ActivationName)), p + "down");
    }

    private string Attention(string x, int layer)
    {
        var g = _g;
        var p = $"layers.{layer}.attention.";
        int heads = _config.NumHeads, size = _config.HeadSize;
        var split = _headsShape ??= g.Int64s("heads_shape", [0, 0, heads, size]);
        string Heads(string t) => g.Node("Transpose", [g.Node("Reshape", [t, split])], null, OnnxGraph.Attr("perm", new long[] { 0, 2, 1, 3 }));
        var q = Heads(_layers.Dense(x, p + "query"));
        var k = Heads(_layers.Dense(x, p + "key"));
        var v = Heads(_layers.Dense(x, p + "value"));
        if (_withPast)
        {
            k = g.Node("Concat", [$"past_key_values.{layer}.key", k], $"present.{layer}.key", OnnxGraph.Attr("axis", 2L));
            v = g.Node("Concat", [$"past_key_values.{layer}.value", v], $"present.{layer}.value", OnnxGraph.Attr("axis", 2L));
        }
        var kt = g.Node("Transpose", [k], null, OnnxGraph.Attr("perm", new long[] { 0, 1, 3, 2 }));
        var scores = g.Node("Mul", [g.Node("MatMul", [q, kt]), g.Scalar(1f / MathF.Sqrt(size))]);
        scores = g.Node("Where", [_allowed, scores, g.Scalar(float.MinValue)]);
        var probs = g.Node("Softmax", [scores], null, OnnxGraph.Attr("axis", -1L));
        var context = g.Node("Transpose", [g.Node("MatMul", [probs, v])], null, OnnxGraph.Attr("perm", new long[] { 0, 2, 1, 3 }));
        context = g.Node("Reshape", [context, _mergeShape ??= g.Int64s("merge_shape", [0, 0, _config.HiddenSize])]);
        return _layers.Dense(context, p + "output");
    }
}
