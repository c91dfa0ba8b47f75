// The registry from a persistable transformer's Kind to the function that loads it from its folder.
// Our components register themselves; tests register toy transformers. A process-wide table, thread-safe.
using System.Collections.Concurrent;
using Microsoft.ML;

namespace LlmMlNet.ML.Persistence;

/// <summary>Maps <see cref="ILlmPersistableTransformer.Kind"/> names to loaders.</summary>
public static class LlmTransformerRegistry
{
    private static readonly ConcurrentDictionary<string, Func<string, ITransformer>> Loaders = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers <paramref name="load"/> (the step's extracted folder → the transformer) for <paramref name="kind"/>; a later registration of the same kind replaces
    /// the earlier one. The loader must read everything it needs before returning: the folder is deleted afterwards.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is empty.</exception>
    public static void Register(string kind, Func<string, ITransformer> load)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(load);
        Loaders[kind] = load;
    }

    /// <summary>The loader registered for <paramref name="kind"/>, if any.</summary>
    public static bool TryGetLoader(string kind, out Func<string, ITransformer> load) =>
        Loaders.TryGetValue(kind, out load!);
}
