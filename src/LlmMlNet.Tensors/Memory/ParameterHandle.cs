// A named tensor's place in the flat parameter buffers: offset and length, plus its flags.
// A plain value for hot paths (no dictionary lookups per step); not a view that owns memory.
namespace LlmMlNet.Tensors.Memory;

/// <summary>
/// Where one parameter tensor lives. Its values are <c>Values[Offset..Offset+Length]</c>; when
/// trainable, its gradient and moments sit at the same offsets in their (shorter) buffers.
/// </summary>
public readonly struct ParameterHandle
{
    private readonly int[] _shape;

    internal ParameterHandle(string name, int offset, int length, int[] shape, bool trainable, bool weightDecay)
    {
        Name = name;
        Offset = offset;
        Length = length;
        _shape = shape;
        Trainable = trainable;
        WeightDecay = weightDecay;
    }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>Offset of the first element in the flat buffers.</summary>
    public int Offset { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>True when the tensor has gradient and moment storage.</summary>
    public bool Trainable { get; }

    /// <summary>True when AdamW applies weight decay to it (never for frozen tensors).</summary>
    public bool WeightDecay { get; }

    /// <summary>Shape as text, e.g. "[768, 3072]".</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";
}
