// The task heads as ONNX nodes over last_hidden_state, mirroring Heads/: masked LM (dense, activation, LayerNorm,
// tied decoder + bias), causal LM (tied decoder), each family's sequence classifier on its summary token (GPT-2's
// last real token found in the graph as our HeadMath.SummaryIndex does), QA start/end logits, the feature pooling
// (CLS, mask mean, BERT's pooler; optional L2 normalisation) and a softmax-regression head on the pooled features.
// Eval mode only: dropout is the identity. Not the body (TransformerGraph).
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Layers;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace LlmMlNet.Onnx.Export;

/// <summary>Head node builders.</summary>
internal sealed class HeadGraph(GraphLayers layers, TransformerGraph body)
{
    private readonly OnnxGraph _g = layers.Graph;
    private readonly TransformerConfig _config = layers.Weights.Config;

    /// <summary>Masked-LM logits [B, T, V].</summary>
    public string MaskedLm(string hidden)
    {
        var act = _config.Family == ModelFamily.Roberta ? ActivationFunction.Gelu : Activations.Parse(_config.ActivationName);
        var normed = layers.LayerNorm(layers.Activation(layers.Linear(hidden, "mlm.dense"), act), "mlm.norm");
        return _g.Node("Add", [layers.Linear(normed, "mlm.decoder", "embeddings.word"), layers.Tensor("mlm.bias")]);
    }

    /// <summary>Causal-LM logits [B, T, V] (decoder tied to the word embedding, no bias).</summary>
    public string CausalLm(string hidden) => layers.Linear(hidden, "lm_head", "embeddings.word");

    /// <summary>Classification logits [B, L] in the family's layout.</summary>
    public string Classification(string hidden)
    {
        var family = _config.Family;
        var x = family == ModelFamily.Gpt2 ? LastRealToken(hidden) : FirstToken(hidden);
        x = family switch
        {
            ModelFamily.Bert => _g.Node("Tanh", [layers.Linear(x, "pooler.dense")]),
            ModelFamily.Roberta => _g.Node("Tanh", [layers.Linear(x, "classifier.dense")]),
            ModelFamily.DistilBert => _g.Node("Relu", [layers.Linear(x, "classifier.dense")]),
            _ => x,
        };
        return layers.Linear(x, "classifier.out");
    }

    /// <summary>QA start and end logits, each [B, T].</summary>
    public (string Start, string End) QuestionAnswering(string hidden)
    {
        var logits = layers.Linear(hidden, "qa");
        var start = _g.Node("Gather", [logits, _g.ScalarInt64(0)], null, OnnxGraph.Attr("axis", -1L));
        var end = _g.Node("Gather", [logits, _g.ScalarInt64(1)], null, OnnxGraph.Attr("axis", -1L));
        return (start, end);
    }

    /// <summary>Pooled features [B, C] as FeaturePooling computes them.</summary>
    public string Pooled(string hidden, PoolingMode mode, bool normalize)
    {
        string pooled;
        if (mode == PoolingMode.Mean)
        {
            // Σ mask·h / max(Σ mask, 1), as a [B, 1, T]·[B, T, C] product.
            var mask = _g.Node("Cast", [_g.Node("Unsqueeze", [body.AttentionMask, _g.Int64s("axes_1", [1])])], null, OnnxGraph.Attr("to", (long)DataType.Float));
            var sum = _g.Node("Squeeze", [_g.Node("MatMul", [mask, hidden]), _g.Int64s("axes_1", [1])]);
            var count = _g.Node("ReduceSum", [_g.Node("Squeeze", [mask, _g.Int64s("axes_1", [1])]), _g.Int64s("axes_m1", [-1])], null, OnnxGraph.Attr("keepdims", 1L));
            pooled = _g.Node("Div", [sum, _g.Node("Max", [count, _g.Scalar(1f)])]);
        }
        else
        {
            pooled = FirstToken(hidden);
            if (mode == PoolingMode.Pooler) pooled = _g.Node("Tanh", [layers.Linear(pooled, "pooler.dense")]);
        }
        if (!normalize) return pooled;
        var squares = _g.Node("ReduceSum", [_g.Node("Mul", [pooled, pooled]), _g.Int64s("axes_m1", [-1])], null, OnnxGraph.Attr("keepdims", 1L));
        return _g.Node("Div", [pooled, _g.Node("Max", [_g.Node("Sqrt", [squares]), _g.Scalar(1e-12f)])]);
    }

    /// <summary>A softmax-regression head's logits [B, K] on pooled features (feature-extraction classifiers).</summary>
    public string FeatureHead(string pooled) => layers.Linear(pooled, ExportWeights.FeatureHeadPrefix);

    private string FirstToken(string hidden) => _g.Node("Gather", [hidden, _g.ScalarInt64(0)], null, OnnxGraph.Attr("axis", 1L));

    // GPT-2: with a pad id the rightmost position whose id is not the pad id, else the last position whose mask is 1;
    // argmax(t·keep[t]) finds it (0 when none), then GatherND picks that row of each sequence.
    private string LastRealToken(string hidden)
    {
        var keep = _config.PadTokenId is { } pad
            ? _g.Node("Not", [_g.Node("Equal", [body.InputIds, _g.ScalarInt64(pad)])])
            : _g.Node("Cast", [body.AttentionMask], null, OnnxGraph.Attr("to", (long)DataType.Bool));
        var length = _g.Node("Gather", [_g.Node("Shape", [body.InputIds]), _g.ScalarInt64(1)]);
        var positions = _g.Node("Range", [_g.ScalarInt64(0), length, _g.ScalarInt64(1)]);
        var weighted = _g.Node("Mul", [positions, _g.Node("Cast", [keep], null, OnnxGraph.Attr("to", (long)DataType.Int64))]);
        var index = _g.Node("ArgMax", [weighted], null, OnnxGraph.Attr("axis", 1L), OnnxGraph.Attr("keepdims", 1L));
        return _g.Node("GatherND", [hidden, index], null, OnnxGraph.Attr("batch_dims", 1L));
    }
}
