// Settings of Houlsby bottleneck adapters: the bottleneck width, the nonlinearity, and where they sit
// (after the attention output dense and after the feed-forward output dense of every block). Plain
// settings; the weights are BottleneckAdapter's.
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>Settings of bottleneck adapters (Houlsby et al., 2019).</summary>
public sealed record BottleneckOptions
{
    /// <summary>Width m of the bottleneck (down-projection C→m, up-projection m→C). Default 64; must be positive.</summary>
    public int BottleneckSize { get; init; } = 64;

    /// <summary>Nonlinearity between the projections. Default ReLU.</summary>
    public ActivationFunction Activation { get; init; } = ActivationFunction.Relu;

    /// <summary>Insert an adapter after each block's attention output. Default true.</summary>
    public bool AfterAttention { get; init; } = true;

    /// <summary>Insert an adapter after each block's feed-forward output. Default true.</summary>
    public bool AfterFeedForward { get; init; } = true;

    /// <summary>
    /// Also train the base model's LayerNorm gains and biases, as Houlsby et al. do (they are few: 2·C per norm). Default true.
    /// Read by the task models when they choose what trains; the adapter itself holds no norms.
    /// </summary>
    public bool TrainLayerNorms { get; init; } = true;

    /// <summary>Standard deviation of the down-projection's normal initialisation (the up-projection starts at zero). Default 0.02.</summary>
    public float InitStd { get; init; } = 0.02f;

    /// <summary>Initialisation seed. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A non-positive bottleneck, a negative std, or no placement.</exception>
    public BottleneckOptions Validate()
    {
        if (BottleneckSize <= 0) throw new ArgumentException($"BottleneckSize must be positive, got {BottleneckSize}.", nameof(BottleneckSize));
        if (!(InitStd >= 0f)) throw new ArgumentException($"InitStd must be >= 0, got {InitStd}.", nameof(InitStd));
        if (!AfterAttention && !AfterFeedForward) throw new ArgumentException("Bottleneck adapters need at least one placement.", nameof(AfterAttention));
        return this;
    }
}
