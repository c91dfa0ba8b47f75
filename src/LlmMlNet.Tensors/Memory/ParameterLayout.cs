// The one size table for a model's parameters: (name, shape, trainable, weight decay) entries and
// each tensor's offset into the flat buffers. Trainable tensors come first (decayed, then not
// decayed), frozen tensors last, so gradient and moment buffers cover only the trainable prefix.
// Not storage: ParameterSet owns the buffers.
namespace LlmMlNet.Tensors.Memory;

/// <summary>
/// Immutable layout of named parameter tensors over one flat buffer. Order in the buffer:
/// trainable with weight decay, trainable without weight decay, frozen; within each group the
/// order of <see cref="Builder.Add"/> calls.
/// </summary>
public sealed class ParameterLayout
{
    private readonly Dictionary<string, int> _indexByName;

    private ParameterLayout(ParameterHandle[] tensors, int decayedLength, int trainableLength, int totalLength)
    {
        Tensors = tensors;
        DecayedLength = decayedLength;
        TrainableLength = trainableLength;
        TotalLength = totalLength;
        _indexByName = new Dictionary<string, int>(tensors.Length, StringComparer.Ordinal);
        for (int i = 0; i < tensors.Length; i++) _indexByName.Add(tensors[i].Name, i);
    }

    /// <summary>Every tensor, in buffer order.</summary>
    public IReadOnlyList<ParameterHandle> Tensors { get; }

    /// <summary>Elements in [0, DecayedLength) are trainable and weight-decayed.</summary>
    public int DecayedLength { get; }

    /// <summary>Elements in [0, TrainableLength) are trainable; gradient and moment buffers have this length.</summary>
    public int TrainableLength { get; }

    /// <summary>Total elements (trainable and frozen); the value buffer has this length.</summary>
    public int TotalLength { get; }

    /// <summary>True when a tensor of that name exists.</summary>
    public bool Contains(string name) => _indexByName.ContainsKey(name);

    /// <summary>The handle of the named tensor.</summary>
    /// <exception cref="ArgumentException">No tensor has that name (the message names it).</exception>
    public ParameterHandle this[string name]
        => _indexByName.TryGetValue(name, out int i)
            ? Tensors[i]
            : throw new ArgumentException($"No parameter named '{name}' in the layout.", nameof(name));

    /// <summary>
    /// The default weight-decay rule (Hugging Face's <c>no_decay = ["bias", "LayerNorm.weight"]</c>
    /// reduced to shapes): matrices and embeddings decay, 1-D tensors (biases, norm gains) do not.
    /// </summary>
    public static bool DefaultWeightDecay(ReadOnlySpan<int> shape) => shape.Length >= 2;

    /// <summary>Collects entries, then <see cref="Build"/>s the layout.</summary>
    public sealed class Builder
    {
        private readonly List<(string Name, int[] Shape, bool Trainable, bool Decay)> _entries = [];
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);

        /// <summary>Adds a tensor.</summary>
        /// <param name="name">Unique name (e.g. the checkpoint key).</param>
        /// <param name="shape">Dimensions; each must be positive.</param>
        /// <param name="trainable">False freezes it: it gets no gradient or moment storage. Default true.</param>
        /// <param name="weightDecay">Null applies <see cref="DefaultWeightDecay"/>.</param>
        /// <exception cref="ArgumentException">Duplicate name, empty name, or a non-positive dimension.</exception>
        public Builder Add(string name, int[] shape, bool trainable = true, bool? weightDecay = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(shape);
            if (shape.Length == 0)
                throw new ArgumentException($"Parameter '{name}' has an empty shape.", nameof(shape));
            long count = 1;
            foreach (int d in shape)
            {
                if (d <= 0) throw new ArgumentException($"Parameter '{name}' has a non-positive dimension {d}.", nameof(shape));
                count *= d;
            }
            if (count > int.MaxValue) throw new ArgumentException($"Parameter '{name}' is too large.", nameof(shape));
            if (!_names.Add(name)) throw new ArgumentException($"Parameter '{name}' was added twice.", nameof(name));
            _entries.Add((name, (int[])shape.Clone(), trainable, weightDecay ?? DefaultWeightDecay(shape)));
            return this;
        }

        /// <summary>Assigns offsets and returns the immutable layout.</summary>
        /// <exception cref="ArgumentException">The total exceeds int.MaxValue elements.</exception>
        public ParameterLayout Build()
        {
            var ordered = new List<ParameterHandle>(_entries.Count);
            long offset = 0;
            int decayed = 0, trainable = 0;
            for (int group = 0; group < 3; group++)
            {
                foreach (var e in _entries)
                {
                    int g = e.Trainable ? (e.Decay ? 0 : 1) : 2;
                    if (g != group) continue;
                    int length = 1;
                    foreach (int d in e.Shape) length *= d;
                    if (offset + length > int.MaxValue)
                        throw new ArgumentException("The parameters exceed int.MaxValue elements in total.");
                    ordered.Add(new ParameterHandle(e.Name, (int)offset, length, e.Shape, e.Trainable, e.Trainable && e.Decay));
                    offset += length;
                }
                if (group == 0) decayed = (int)offset;
                if (group == 1) trainable = (int)offset;
            }
            return new ParameterLayout([.. ordered], decayed, trainable, (int)offset);
        }
    }
}
