// The layers of our engine as ONNX nodes: a Linear is MatMul by the transposed weight (stored [in, out], as
// Hugging Face's exporters write nn.Linear) plus Add of the bias; LayerNorm is opset 17's LayerNormalization;
// the activations are written from primitive ops (opset 17 has no Gelu). A dense layer wrapped by a bottleneck
// adapter becomes y + up(f(down(y))). Not the model's wiring (TransformerGraph) or its heads (HeadGraph).
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Onnx.Export;

/// <summary>Layer-level node builders over one graph and one set of weights.</summary>
internal sealed class GraphLayers(OnnxGraph graph, ExportWeights weights)
{
    private readonly Dictionary<string, string> _transposed = new(StringComparer.Ordinal);

    public OnnxGraph Graph => graph;

    public ExportWeights Weights => weights;

    /// <summary>An initializer holding our tensor as it is.</summary>
    public string Tensor(string name)
    {
        var shape = weights.Shape(name).Select(d => (long)d).ToArray();
        return graph.Floats(name, weights[name], shape);
    }

    /// <summary>x·Wᵀ + b for our weight "{prefix}.weight" [out, in] (and "{prefix}.bias" when present).</summary>
    public string Linear(string x, string prefix, string? weightName = null)
    {
        weightName ??= prefix + ".weight";
        var biasName = weightName == prefix + ".weight" && weights.Contains(prefix + ".bias") ? prefix + ".bias" : null;
        var y = graph.Node("MatMul", [x, TransposedWeight(weightName)]);
        return biasName is null ? y : graph.Node("Add", [y, Tensor(biasName)]);
    }

    /// <summary>A block's dense layer: <see cref="Linear"/>, then the bottleneck adapter when this site has one.</summary>
    public string Dense(string x, string prefix)
    {
        var y = Linear(x, prefix);
        if (weights.Bottleneck is not { } adapter || !adapter.Sites.Contains(prefix)) return y;
        var down = Linear(y, prefix + ".adapter.down");
        var up = Linear(Activation(down, adapter.Options.Activation), prefix + ".adapter.up");
        return graph.Node("Add", [y, up]);
    }

    /// <summary>LayerNormalization over the last axis with our "{prefix}.weight" and "{prefix}.bias".</summary>
    public string LayerNorm(string x, string prefix) =>
        graph.Node("LayerNormalization", [x, Tensor(prefix + ".weight"), Tensor(prefix + ".bias")], null,
            OnnxGraph.Attr("axis", -1L), OnnxGraph.Attr("epsilon", (float)weights.Config.LayerNormEps));

    /// <summary>f(x) for our activation functions.</summary>
    public string Activation(string x, ActivationFunction function)
    {
        switch (function)
        {
            case ActivationFunction.Relu: return graph.Node("Relu", [x]);
            case ActivationFunction.Tanh: return graph.Node("Tanh", [x]);
            case ActivationFunction.Gelu:
            {
                // x·Φ(x) = 0.5·x·(1 + erf(x/√2)).
                var erf = graph.Node("Erf", [graph.Node("Mul", [x, graph.Scalar((float)(1 / Math.Sqrt(2)))])]);
                return Half(x, graph.Node("Add", [erf, graph.Scalar(1f)]));
            }
            default:
            {
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
                var cube = graph.Node("Mul", [graph.Node("Mul", [x, x]), x]);
                var inner = graph.Node("Add", [x, graph.Node("Mul", [cube, graph.Scalar(0.044715f)])]);
                var tanh = graph.Node("Tanh", [graph.Node("Mul", [inner, graph.Scalar((float)Math.Sqrt(2 / Math.PI))])]);
                return Half(x, graph.Node("Add", [tanh, graph.Scalar(1f)]));
            }
        }
    }

    private string Half(string x, string onePlus) => graph.Node("Mul", [graph.Node("Mul", [x, graph.Scalar(0.5f)]), onePlus]);

    private string TransposedWeight(string name)
    {
        if (_transposed.TryGetValue(name, out var existing)) return existing;
        var shape = weights.Shape(name);
        var (rows, cols) = (shape[0], shape[1]);
        var w = weights[name];
        var t = new float[w.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
        return _transposed[name] = graph.Floats(name + ".T", t, cols, rows);
    }
}
