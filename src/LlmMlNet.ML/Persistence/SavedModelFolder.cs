// The folder layout our transformers write inside a saved pipeline: "model" (a Hugging Face checkpoint
// with its tokenizer files) and, for bottleneck adapters, "adapter" beside it. One place for the names and
// the save/load steps the classification and QA transformers share; their settings files stay their own.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.ML.Persistence;

/// <summary>Writes and reads the model, tokenizer and adapter folders of a saved component.</summary>
internal static class SavedModelFolder
{
    /// <summary>The checkpoint folder's name inside a component's directory.</summary>
    public const string Model = "model";

    /// <summary>The bottleneck adapter folder's name inside a component's directory.</summary>
    public const string Adapter = "adapter";

    /// <summary>Writes the checkpoint and tokenizer to "model" and the adapter, when there is one, to "adapter".</summary>
    public static void Save(string directory, TransformerParameters parameters, Tokenizer tokenizer, BottleneckAdapter? adapter)
    {
        string model = Path.Combine(directory, Model);
        parameters.Save(model);
        tokenizer.Save(model);
        if (adapter != null) BottleneckAdapterFormat.Save(adapter, Path.Combine(directory, Adapter));
    }

    /// <summary>The "model" folder of <paramref name="directory"/>, checked to hold a checkpoint.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder is missing.</exception>
    /// <exception cref="FileNotFoundException">Its config.json or weights are missing; the message names the file.</exception>
    public static string RequireModel(string directory) => LocalModelPaths.RequireCheckpointFolder(Path.Combine(directory, Model), "saved model");

    /// <summary>The saved bottleneck adapter for a model of <paramref name="config"/>, or null when none was saved.</summary>
    public static BottleneckAdapter? LoadAdapter(string directory, TransformerConfig config)
    {
        string folder = Path.Combine(directory, Adapter);
        return Directory.Exists(folder) ? BottleneckAdapterFormat.Load(folder, config) : null;
    }
}
