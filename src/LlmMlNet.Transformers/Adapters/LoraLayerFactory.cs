// The dense-layer factory a LoRA adapter hands to a model's constructor: targeted prefixes get a LoraLinear
// around a frozen Linear, the rest a plain Linear. It also carries the training state the adapter's dropout
// follows. Not the weights (LoraAdapter).
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>Builds the dense layers of one model for a <see cref="LoraAdapter"/>.</summary>
public sealed class LoraLayerFactory
{
    private readonly LoraAdapter _adapter;
    private readonly ParameterSet _base;
    private readonly ActivationArena _arena;
    private readonly int _maxRows;
    private readonly Dictionary<string, (LoraModule Module, LoraPart Part)> _byPrefix = new(StringComparer.Ordinal);
    private readonly List<LoraLinear> _layers = [];

    internal LoraLayerFactory(LoraAdapter adapter, ParameterSet baseParameters, ActivationArena arena, int maxRows)
    {
        _adapter = adapter;
        _base = baseParameters;
        _arena = arena;
        _maxRows = maxRows;
        foreach (var module in adapter.Modules)
            foreach (var part in module.Parts) _byPrefix[part.OurPrefix] = (module, part);
    }

    /// <summary>
    /// The mode (training or eval) and step the adapter's dropout follows; set it to the model's state after building the
    /// model (the factory runs inside the model's constructor, before the model's state exists). Default: eval mode.
    /// </summary>
    public TrainingState State { get; set; } = new();

    /// <summary>The LoRA layers built so far.</summary>
    public IReadOnlyList<LoraLinear> Layers => _layers;

    /// <summary>The dense layer for our prefix (e.g. "layers.0.attention.query"): LoRA-wrapped when targeted.</summary>
    public IDenseLayer Create(string prefix)
    {
        var linear = new Linear(_base, prefix + ".weight", _base.Layout.Contains(prefix + ".bias") ? prefix + ".bias" : null);
        if (!_byPrefix.TryGetValue(prefix, out var target)) return linear;
        var layer = new LoraLinear(_adapter, target.Module, target.Part, linear, () => State, _arena, _maxRows);
        _layers.Add(layer);
        return layer;
    }
}
