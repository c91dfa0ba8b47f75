// Mode and counters shared by the layers of one model: training vs eval, the step that keys
// dropout masks, and the seed. Not a trainer: the training loop owns and advances it.
using LlmMlNet.Tensors;

namespace LlmMlNet.Transformers.Layers;

/// <summary>Shared, mutable run state read by layers at every Forward and Backward.</summary>
public sealed class TrainingState
{
    /// <summary>Creates eval-mode state with the given seed.</summary>
    public TrainingState(ulong seed = 0) => Seed = seed;

    /// <summary>True in training mode (dropout active); false in eval mode (dropout is the identity). Default false.</summary>
    public bool IsTraining { get; set; }

    /// <summary>The step counter that keys dropout masks; set it once per step, before Forward, and keep it through Backward.</summary>
    public long Step { get; set; }

    /// <summary>The seed from which every dropout site derives its own seed.</summary>
    public ulong Seed { get; set; }

    /// <summary>The dropout seed of the site named <paramref name="siteStream"/> (see <see cref="ParameterInit.StreamOf"/>).</summary>
    public ulong SiteSeed(ulong siteStream) => CounterRng.Hash(Seed, siteStream, 0x5EED);
}
