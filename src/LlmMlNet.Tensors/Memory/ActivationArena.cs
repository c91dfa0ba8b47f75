// One float buffer for a model's activations and scratch, sized once for the largest
// (batch, sequence) shape: layers reserve slices at build time, the arena allocates once on
// Commit, and a training step then allocates nothing. Not a general allocator: no frees, no growth.
namespace LlmMlNet.Tensors.Memory;

/// <summary>
/// Two-phase arena: <see cref="Reserve"/> slices while building layers, then <see cref="Commit"/>
/// allocates the single backing array. Slices are reused every step. For backward scratch that
/// layers use one at a time, <see cref="Rewind"/> to a <see cref="Position"/> lets the next layer's
/// reservations overlap the previous layer's; the array is sized to the high-water mark.
/// </summary>
public sealed class ActivationArena
{
    private float[]? _data;
    private long _reserved;
    private long _highWater;

    /// <summary>Elements the committed array holds (the high-water mark of reservations).</summary>
    public long ReservedLength => _highWater;

    /// <summary>Where the next reservation starts; pass it to <see cref="Rewind"/> later to overlap.</summary>
    public long Position => _reserved;

    /// <summary>
    /// Moves the reservation point back to <paramref name="position"/>, so later reservations share
    /// memory with those made since. Only for buffers that are never live at the same time.
    /// </summary>
    /// <exception cref="ArgumentException">position is negative or beyond the current position.</exception>
    /// <exception cref="InvalidOperationException">The arena is already committed.</exception>
    public void Rewind(long position)
    {
        if (_data is not null) throw new InvalidOperationException("The arena is committed; rewind only while building.");
        if (position < 0 || position > _reserved)
            throw new ArgumentException($"position {position} is outside [0, {_reserved}].", nameof(position));
        _reserved = position;
    }

    /// <summary>True after <see cref="Commit"/>.</summary>
    public bool IsCommitted => _data is not null;

    /// <summary>Reserves <paramref name="length"/> elements (aligned to 16 floats for vector loads).</summary>
    /// <exception cref="ArgumentException">Negative length.</exception>
    /// <exception cref="InvalidOperationException">The arena is already committed.</exception>
    public ArenaBuffer Reserve(int length)
    {
        if (length < 0) throw new ArgumentException($"length must be >= 0, got {length}.", nameof(length));
        if (_data is not null) throw new InvalidOperationException("The arena is committed; reserve all buffers before Commit.");
        long offset = _reserved;
        _reserved += (length + 15) & ~15L;
        if (_reserved > Array.MaxLength)
            throw new InvalidOperationException($"The arena would exceed {Array.MaxLength} elements.");
        _highWater = Math.Max(_highWater, _reserved);
        return new ArenaBuffer(this, (int)offset, length);
    }

    /// <summary>Allocates the backing array (idempotent).</summary>
    public void Commit() => _data ??= new float[_highWater];

    /// <summary>Zeroes the whole arena (e.g. an arena of activation gradients, once per step).</summary>
    /// <exception cref="InvalidOperationException">Not committed.</exception>
    public void Clear() => Array.Clear(Data);

    internal float[] Data => _data ?? throw new InvalidOperationException("The arena is not committed; call Commit after building the layers.");
}

/// <summary>A slice of an <see cref="ActivationArena"/>; usable after the arena is committed.</summary>
public readonly struct ArenaBuffer
{
    private readonly ActivationArena? _arena;

    internal ArenaBuffer(ActivationArena arena, int offset, int length)
    {
        _arena = arena;
        Offset = offset;
        Length = length;
    }

    /// <summary>Offset in the arena.</summary>
    public int Offset { get; }

    /// <summary>Capacity in elements.</summary>
    public int Length { get; }

    /// <summary>The whole slice.</summary>
    /// <exception cref="InvalidOperationException">The arena is not committed, or this is a default buffer.</exception>
    public Span<float> Span => (_arena ?? throw new InvalidOperationException("Default ArenaBuffer.")).Data.AsSpan(Offset, Length);

    /// <summary>The first <paramref name="count"/> elements.</summary>
    /// <exception cref="ArgumentException"><paramref name="count"/> exceeds the reserved capacity.</exception>
    public Span<float> Slice(int count)
    {
        if ((uint)count > (uint)Length)
            throw new ArgumentException($"Requested {count} elements from an arena buffer of {Length}; the arena was sized for a smaller shape.", nameof(count));
        return Span[..count];
    }
}
