// ModelSaveContext: public sealed and IDisposable with every other member internal, as in the real package,
// so an out-of-tree transformer cannot write itself into a model file. The internal members here carry the
// stand-in's own transforms; they are plumbing, not an ML.NET-compatible format.
namespace Microsoft.ML;

/// <summary>The context a model component saves itself into. Only ML.NET's own components can use it.</summary>
public sealed class ModelSaveContext : IDisposable
{
    internal ModelSaveContext()
    {
    }

    internal string? LoaderSignature { get; private set; }

    internal Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    internal List<ModelSaveContext> Children { get; } = [];

    internal void SetVersionInfo(string loaderSignature) => LoaderSignature = loaderSignature;

    /// <summary>Throws the way ML.NET does when a component wrote nothing.</summary>
    internal void Done()
    {
        if (LoaderSignature == null) throw new InvalidOperationException("ModelSignature not specified!");
    }

    /// <summary>Releases the context.</summary>
    public void Dispose()
    {
    }
}
