// A re-enumerable sequence whose length is known up front (e.g. from a checking pass over a file), so the
// Trainer and the feature extractor can plan epochs and show progress without an extra counting pass that
// would parse and tokenize the whole data set once more. Enumerating it enumerates the source again.
using System.Collections;

namespace LlmMlNet.Transformers.Data;

/// <summary>A streamed sequence with a known count.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class CountedSequence<T> : IReadOnlyCollection<T>
{
    private readonly IEnumerable<T> _source;

    /// <summary>Wraps <paramref name="source"/>, which must yield exactly <paramref name="count"/> items on every enumeration.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public CountedSequence(IEnumerable<T> source, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _source = source;
        Count = count;
    }

    /// <summary>The number of items every enumeration yields.</summary>
    public int Count { get; }

    /// <summary>Enumerates the source (again).</summary>
    public IEnumerator<T> GetEnumerator() => _source.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// <paramref name="source"/> mapped by <paramref name="map"/>, keeping its count when it has one (a collection, or a
    /// <see cref="CountedSequence{T}"/>); the mapping runs lazily on each enumeration.
    /// </summary>
    public static IEnumerable<T> Map<TSource>(IEnumerable<TSource> source, Func<TSource, T> map)
    {
        ArgumentNullException.ThrowIfNull(source);
        var mapped = source.Select(map);
        return source is IReadOnlyCollection<TSource> known ? new CountedSequence<T>(mapped, known.Count) : mapped;
    }
}
