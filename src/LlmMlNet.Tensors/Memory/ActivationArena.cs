// One float buffer for a model's activations and scratch, sized once for the largest
// (batch, sequence) shape: layers reserve slices at build time, the arena allocates once on
// Commit, and a training step then allocates nothing. Groups (one per transformer block) can be
// overlaid for inference, when no backward needs them. Not a general allocator: no frees, no growth.
namespace LlmMlNet.Tensors.Memory;

/// <summary>
/// Two-phase arena: <see cref="Reserve"/> slices while building layers, then <see cref="Commit"/>
/// allocates the single backing array. Slices are reused every step. For backward scratch that
/// layers use one at a time, <see cref="Rewind"/> to a <see cref="Position"/> lets the next layer's
/// reservations overlap the previous layer's; the array is sized to the high-water mark.
/// Reservations made between <see cref="BeginGroup"/> and <see cref="EndGroup"/> form a group; with
/// <see cref="SharedGroups"/> on, every group resolves to one shared region, so a forward pass that
/// keeps nothing for a backward touches one group's memory instead of all of them.
/// </summary>
public sealed class ActivationArena
{
    private float[]? _data;
    private long _reserved;
    private long _highWater;
    private long _groupStart = -1, _firstGroupStart = -1, _firstGroupLength, _largestGroup;
    private int _sharedBase;

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

    /// <summary>
    /// Starts a group: the reservations until <see cref="EndGroup"/> are one unit (e.g. one block's
    /// activations) that <see cref="SharedGroups"/> overlays on every other group.
    /// </summary>
    /// <exception cref="InvalidOperationException">A group is already open, or the arena is committed.</exception>
    public void BeginGroup()
    {
        if (_data is not null) throw new InvalidOperationException("The arena is committed; begin groups only while building.");
        if (_groupStart >= 0) throw new InvalidOperationException("A group is already open; groups do not nest.");
        _groupStart = _reserved;
        if (_firstGroupStart < 0) _firstGroupStart = _reserved;
    }

    /// <summary>Closes the group opened by <see cref="BeginGroup"/>.</summary>
    /// <exception cref="InvalidOperationException">No group is open.</exception>
    public void EndGroup()
    {
        if (_groupStart < 0) throw new InvalidOperationException("No group is open.");
        long length = _reserved - _groupStart;
        if (_groupStart == _firstGroupStart) _firstGroupLength = length;
        _largestGroup = Math.Max(_largestGroup, length);
        _groupStart = -1;
    }

    /// <summary>
    /// When true, every group's buffers resolve to one shared region (the first group's, or a region of
    /// its own when a later group is larger), so groups overwrite each other; when false (the default)
    /// each buffer has its own memory. Switch it only between passes: a span taken in one setting is
    /// not the buffer's memory in the other.
    /// </summary>
    public bool SharedGroups { get; set; }

    internal int Resolve(int offset, int groupOffset) => SharedGroups && groupOffset >= 0 ? _sharedBase + groupOffset : offset;

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
        return new ArenaBuffer(this, (int)offset, length, _groupStart >= 0 ? (int)(offset - _groupStart) : -1);
    }

    /// <summary>Allocates the backing array (idempotent). Closes a group left open.</summary>
    public void Commit()
    {
        if (_data is not null) return;
        if (_groupStart >= 0) EndGroup();
        long length = _highWater;
        // The first group's region serves as the shared one when no later group is larger (the usual case of
        // identical blocks); otherwise the shared region is appended, untouched until a shared pass runs.
        if (_largestGroup > _firstGroupLength)
        {
            _sharedBase = (int)length;
            length += _largestGroup;
            if (length > Array.MaxLength) throw new InvalidOperationException($"The arena would exceed {Array.MaxLength} elements.");
        }
        else _sharedBase = (int)Math.Max(_firstGroupStart, 0);
        _data = new float[length];
    }

    /// <summary>Zeroes the whole arena (e.g. an arena of activation gradients, once per step).</summary>
    /// <exception cref="InvalidOperationException">Not committed.</exception>
    public void Clear() => Array.Clear(Data);

    internal float[] Data => _data ?? throw new InvalidOperationException("The arena is not committed; call Commit after building the layers.");
}

/// <summary>A slice of an <see cref="ActivationArena"/>; usable after the arena is committed.</summary>
public readonly struct ArenaBuffer
{
    private readonly ActivationArena? _arena;

    private readonly int _groupOffset;

    internal ArenaBuffer(ActivationArena arena, int offset, int length, int groupOffset)
    {
        _arena = arena;
        Offset = offset;
        Length = length;
        _groupOffset = groupOffset;
    }

    /// <summary>Offset in the arena (its own memory; with <see cref="ActivationArena.SharedGroups"/> a group buffer lives elsewhere).</summary>
    public int Offset { get; }

    /// <summary>Capacity in elements.</summary>
    public int Length { get; }

    /// <summary>The whole slice.</summary>
    /// <exception cref="InvalidOperationException">The arena is not committed, or this is a default buffer.</exception>
    public Span<float> Span
    {
        get
        {
            var arena = _arena ?? throw new InvalidOperationException("Default ArenaBuffer.");
            return arena.Data.AsSpan(arena.Resolve(Offset, _groupOffset), Length);
        }
    }

    /// <summary>The first <paramref name="count"/> elements.</summary>
    /// <exception cref="ArgumentException"><paramref name="count"/> exceeds the reserved capacity.</exception>
    public Span<float> Slice(int count)
    {
        if ((uint)count > (uint)Length)
            throw new ArgumentException($"Requested {count} elements from an arena buffer of {Length}; the arena was sized for a smaller shape.", nameof(count));
        return Span[..count];
    }
}
