// Token/position/type embedding table [vocab, channels] as a Forward/Backward pair. Forward can
// write its own arena output or add into a caller's buffer (summing BERT's three embeddings
// without extra copies). Not the sum, LayerNorm or dropout that models put after it.
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Layers;

/// <summary>Lookup of rows of a [vocab, channels] table held in a <see cref="ParameterSet"/>.</summary>
public sealed class Embedding
{
    private readonly ParameterSet _parameters;
    private readonly ParameterHandle _table;
    private readonly ArenaBuffer _output;

    /// <summary>Binds the table and reserves an output [maxRows, channels] in <paramref name="arena"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name or a table that is not 2-D.</exception>
    public Embedding(ParameterSet parameters, string tableName, ActivationArena arena, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(arena);
        _parameters = parameters;
        _table = parameters.Handle(tableName);
        if (_table.Shape.Length != 2)
            throw new ArgumentException($"Embedding table '{tableName}' must be 2-D [vocab, channels], got {_table.ShapeText}.", nameof(tableName));
        Vocabulary = _table.Shape[0];
        Channels = _table.Shape[1];
        _output = arena.Reserve(checked(maxRows * Channels));
    }

    /// <summary>Rows in the table.</summary>
    public int Vocabulary { get; }

    /// <summary>True when the table gets a gradient (Backward does nothing otherwise).</summary>
    public bool IsTrainable => _table.Trainable;

    /// <summary>Width of each row.</summary>
    public int Channels { get; }

    /// <summary>output[n, :] = table[ids[n], :]; returns the output [ids.Length, channels] in the arena.</summary>
    /// <exception cref="ArgumentException">An id is out of range (naming the row) or there are more ids than the arena was sized for.</exception>
    public Span<float> Forward(ReadOnlySpan<int> ids)
    {
        var output = _output.Slice(ids.Length * Channels);
        EmbeddingKernel.Forward(output, ids, _parameters.Value(_table), Vocabulary, Channels);
        return output;
    }

    /// <summary>destination[n, :] += table[ids[n], :].</summary>
    /// <exception cref="ArgumentException">An id is out of range or <paramref name="destination"/> is too short.</exception>
    public void ForwardAdd(ReadOnlySpan<int> ids, Span<float> destination)
        => EmbeddingKernel.Forward(destination, ids, _parameters.Value(_table), Vocabulary, Channels, accumulate: true);

    /// <summary>Differentiates output[n] = table[ids[n]]: tableGradient[ids[n]] += outputGradient[n]; nothing when the table is frozen.</summary>
    /// <exception cref="ArgumentException">An id is out of range or a buffer is too short.</exception>
    public void Backward(ReadOnlySpan<int> ids, ReadOnlySpan<float> outputGradient)
    {
        if (!_table.Trainable) return;
        EmbeddingKernel.Backward(_parameters.Gradient(_table), outputGradient, ids, Vocabulary, Channels);
    }
}
