// The folder name under which the embedding and language-model transformers keep their Hugging Face checkpoint
// (with its tokenizer files) inside a saved pipeline step, beside their llmmlnet.json. (Classification and QA
// steps are task folders: see TaskModelFiles.)
namespace LlmMlNet.ML.Persistence;

/// <summary>The model folder of a saved component.</summary>
internal static class SavedModelFolder
{
    /// <summary>The checkpoint folder's name inside a component's directory.</summary>
    public const string Model = "model";

    /// <summary>The "model" folder of <paramref name="directory"/>, checked to hold a checkpoint.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder is missing.</exception>
    /// <exception cref="FileNotFoundException">Its config.json or weights are missing; the message names the file.</exception>
    public static string RequireModel(string directory) => LocalModelPaths.RequireCheckpointFolder(Path.Combine(directory, Model), "saved model");
}
