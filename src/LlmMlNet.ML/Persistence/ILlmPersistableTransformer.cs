// The contract a transformer implements to be saved inside a pipeline file by mlContext.Model.SaveWithLlm, since
// ML.NET cannot serialize out-of-tree transformers. Loading goes through LlmTransformerRegistry by Kind. Public:
// other libraries' transformers (and ours in new folders) plug in by implementing it and registering a loader.
using Microsoft.ML;

namespace LlmMlNet.ML.Persistence;

/// <summary>A transformer that saves itself into a folder of its own and is loaded back by its <see cref="Kind"/>.</summary>
public interface ILlmPersistableTransformer : ITransformer
{
    /// <summary>A stable name for the transformer's format (e.g. "LlmMlNet.TextClassification/1"), registered with a loader.</summary>
    string Kind { get; }

    /// <summary>
    /// Writes everything needed to rebuild the transformer into the existing, empty <paramref name="directory"/>.
    /// The folder is packed into the pipeline file afterwards; the loader gets an extracted copy that is deleted after it returns.
    /// </summary>
    void SaveTo(string directory);
}
