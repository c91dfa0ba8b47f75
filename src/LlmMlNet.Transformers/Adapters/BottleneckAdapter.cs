// Houlsby bottleneck adapters for every block of one model: the down/up projections in their own
// ParameterSet (so only they and the head get gradients and AdamW moments), initialised so each adapter
// starts as the identity (up-projection zero), and the dense-layer factory that inserts them. Not the
// file format (BottleneckAdapterFormat).
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>Bottleneck adapters of one model configuration.</summary>
public sealed class BottleneckAdapter
{
    private BottleneckAdapter(TransformerConfig config, BottleneckOptions options, IReadOnlyList<string> sites, ParameterSet parameters)
    {
        Config = config;
        Options = options;
        Sites = sites;
        Parameters = parameters;
    }

    /// <summary>The base model's configuration.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The settings.</summary>
    public BottleneckOptions Options { get; }

    /// <summary>Our prefixes of the dense layers that get an adapter, e.g. "layers.0.attention.output".</summary>
    public IReadOnlyList<string> Sites { get; }

    /// <summary>The adapters' weights: "{site}.adapter.down.weight" [m, C], ".down.bias" [m], ".up.weight" [C, m], ".up.bias" [C].</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Number of adapter parameters (tensors added by the caller not counted).</summary>
    public long ParameterCount => Sites.Count * (2L * Options.BottleneckSize * Config.HiddenSize + Options.BottleneckSize + Config.HiddenSize);

    /// <summary>Creates adapters: down-projection N(0, InitStd), biases and up-projection zero, so the model starts unchanged.</summary>
    /// <param name="config">The base model's configuration.</param>
    /// <param name="options">Settings; null uses the defaults.</param>
    /// <param name="addTensors">Adds further trainable tensors to <see cref="Parameters"/> (e.g. the task head); the caller initialises them.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public static BottleneckAdapter Create(TransformerConfig config, BottleneckOptions? options = null, Action<ParameterLayout.Builder>? addTensors = null)
    {
        var adapter = Allocate(config, options ?? new BottleneckOptions(), addTensors);
        foreach (var site in adapter.Sites)
        {
            string name = site + ".adapter.down.weight";
            ParameterInit.Normal(adapter.Parameters.View(name), adapter.Options.InitStd, adapter.Options.Seed, ParameterInit.StreamOf(name));
        }
        return adapter;
    }

    /// <summary>Adapters with all weights zero (for loading).</summary>
    internal static BottleneckAdapter Allocate(TransformerConfig config, BottleneckOptions options, Action<ParameterLayout.Builder>? addTensors = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var sites = new List<string>();
        for (int layer = 0; layer < config.NumLayers; layer++)
        {
            if (options.AfterAttention) sites.Add($"layers.{layer}.attention.output");
            if (options.AfterFeedForward) sites.Add($"layers.{layer}.ffn.down");
        }
        int c = config.HiddenSize, m = options.BottleneckSize;
        var builder = new ParameterLayout.Builder();
        foreach (var site in sites)
        {
            builder.Add(site + ".adapter.down.weight", [m, c]);
            builder.Add(site + ".adapter.down.bias", [m]);
            builder.Add(site + ".adapter.up.weight", [c, m]);
            builder.Add(site + ".adapter.up.bias", [c]);
        }
        addTensors?.Invoke(builder);
        return new BottleneckAdapter(config, options, sites, new ParameterSet(builder.Build()));
    }

    /// <summary>
    /// A dense-layer factory for the model's constructor: the adapter sites get a <see cref="BottleneckLayer"/> around a
    /// plain <see cref="Linear"/> over <paramref name="baseParameters"/> (build them with the encoder frozen), the rest a plain Linear.
    /// </summary>
    /// <param name="baseParameters">The model's parameters.</param>
    /// <param name="arena">The model's activation arena (the adapters reserve their buffers there).</param>
    /// <param name="maxRows">Largest batch × sequence.</param>
    /// <returns>A factory; pass its <c>Create</c> method as the model's dense-layer factory.</returns>
    /// <exception cref="ArgumentException">maxRows not positive.</exception>
    public Func<string, IDenseLayer> CreateLayerFactory(ParameterSet baseParameters, ActivationArena arena, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(baseParameters);
        ArgumentNullException.ThrowIfNull(arena);
        if (maxRows <= 0) throw new ArgumentException($"maxRows must be positive, got {maxRows}.", nameof(maxRows));
        var sites = Sites.ToHashSet(StringComparer.Ordinal);
        return prefix =>
        {
            var linear = new Linear(baseParameters, prefix + ".weight", baseParameters.Layout.Contains(prefix + ".bias") ? prefix + ".bias" : null);
            if (!sites.Contains(prefix)) return linear;
            var down = new Linear(Parameters, prefix + ".adapter.down.weight", prefix + ".adapter.down.bias");
            var up = new Linear(Parameters, prefix + ".adapter.up.weight", prefix + ".adapter.up.bias");
            return new BottleneckLayer(linear, down, up, Options.Activation, arena, maxRows);
        };
    }
}
