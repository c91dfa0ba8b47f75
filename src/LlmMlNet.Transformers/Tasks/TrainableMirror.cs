// One ParameterSet over the trainable tensors of several sets (the head in the model's set, the adapter's
// own set), because the Trainer steps exactly one set: values are pushed out before each forward and
// gradients gathered back after each backward. The tensors involved are small (well under 1% of the model
// for LoRA), so the copies cost little. Not used for full fine-tuning, where the model's set is stepped directly.
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>A combined trainable view of several parameter sets.</summary>
internal sealed class TrainableMirror
{
    private readonly List<(ParameterSet Source, ParameterHandle From, ParameterHandle To)> _links = [];
    private readonly ParameterSet[] _sources;

    /// <summary>Mirrors every trainable tensor of <paramref name="sources"/> (names must be unique across them).</summary>
    public TrainableMirror(params ParameterSet[] sources)
    {
        _sources = sources;
        var builder = new ParameterLayout.Builder();
        foreach (var source in sources)
            foreach (var h in source.Layout.Tensors.Where(t => t.Trainable))
                builder.Add(h.Name, h.Shape.ToArray(), trainable: true, weightDecay: h.WeightDecay);
        Set = new ParameterSet(builder.Build());
        foreach (var source in sources)
            foreach (var h in source.Layout.Tensors.Where(t => t.Trainable))
            {
                var to = Set.Handle(h.Name);
                _links.Add((source, h, to));
                source.Value(h).CopyTo(Set.Value(to));
            }
    }

    /// <summary>The set the trainer steps.</summary>
    public ParameterSet Set { get; }

    /// <summary>Copies the mirror's values into the sources and clears the sources' gradients (call before each forward).</summary>
    public void PushValues()
    {
        foreach (var (source, from, to) in _links) Set.Value(to).CopyTo(source.Value(from));
        foreach (var source in _sources) source.ZeroGradients();
    }

    /// <summary>Adds <paramref name="scale"/> × the sources' gradients into the mirror's gradients (call after each backward).</summary>
    public void GatherGradients(float scale)
    {
        foreach (var (source, from, to) in _links)
        {
            var target = Set.Gradient(to);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(source.Gradient(from), scale, target, target);
        }
    }
}
