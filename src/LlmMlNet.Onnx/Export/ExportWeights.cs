// The tensors an export writes, read by our parameter names: the model's own values, with a LoRA adapter's
// update folded in (W + (alpha/r)·B·A, PEFT's merge) on a copy, so the live model is left as it was. Bottleneck
// adapters cannot be folded (a nonlinearity sits inside) and stay separate: the graph adds them as nodes.
// Not a graph builder.
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.Onnx.Export;

/// <summary>Weight lookup for an export, with LoRA merged.</summary>
internal sealed class ExportWeights
{
    private readonly TransformerParameters _parameters;
    private readonly Dictionary<string, float[]> _merged = new(StringComparer.Ordinal);

    /// <summary>Prefix of a feature-extraction classifier's softmax regression ("feature_head.weight", "feature_head.bias").</summary>
    public const string FeatureHeadPrefix = "feature_head";

    private readonly SoftmaxRegression? _featureHead;

    public ExportWeights(TransformerParameters parameters, LoraAdapter? lora, BottleneckAdapter? bottleneck, SoftmaxRegression? featureHead = null)
    {
        _parameters = parameters;
        Bottleneck = bottleneck;
        _featureHead = featureHead;
        if (lora is null || lora.IsMerged) return;
        int r = lora.Options.Rank;
        foreach (var module in lora.Modules)
            foreach (var part in module.Parts)
            {
                var name = part.OurPrefix + ".weight";
                var weight = parameters[name].ToArray();
                if (weight.Length != part.Rows * module.InFeatures)
                    throw new InvalidOperationException($"LoRA module '{module.ModuleName}' expects {name} to be [{part.Rows}, {module.InFeatures}].");
                var b = lora.Parameters.View(module.BName).Slice(part.RowOffset * r, part.Rows * r);
                Gemm.Sgemm(false, false, part.Rows, module.InFeatures, r, lora.Options.Scaling, b, r,
                    lora.Parameters.View(module.AName), module.InFeatures, 1f, weight, module.InFeatures);
                _merged[name] = weight;
            }
    }

    /// <summary>The model's configuration.</summary>
    public TransformerConfig Config => _parameters.Config;

    /// <summary>Bottleneck adapters exported as extra nodes, or null.</summary>
    public BottleneckAdapter? Bottleneck { get; }

    /// <summary>True when the model, its bottleneck adapter or its feature head has the tensor.</summary>
    public bool Contains(string name) => Locate(name).Set.Layout.Contains(Locate(name).Name);

    /// <summary>The tensor's values (LoRA merged where it applies; adapter and feature-head tensors from their own sets).</summary>
    public ReadOnlySpan<float> this[string name]
    {
        get
        {
            if (_merged.TryGetValue(name, out var merged)) return merged;
            var (set, local) = Locate(name);
            return set.View(local);
        }
    }

    /// <summary>The tensor's shape.</summary>
    public int[] Shape(string name)
    {
        var (set, local) = Locate(name);
        return set.Handle(local).Shape.ToArray();
    }

    // Which set holds a name: the feature head's (under its prefix), the bottleneck adapter's, else the model's.
    private (ParameterSet Set, string Name) Locate(string name)
    {
        if (_featureHead is not null && name.StartsWith(FeatureHeadPrefix + ".", StringComparison.Ordinal))
            return (_featureHead.Parameters, name[(FeatureHeadPrefix.Length + 1)..]);
        if (Bottleneck is { } b && b.Parameters.Layout.Contains(name)) return (b.Parameters, name);
        return (_parameters.Set, name);
    }
}
