// Checks a model folder given to `predict` or `evaluate` before any work (it exists and holds config.json)
// and reads its manifest, so the command knows the task. Not a loader: TextClassifier.Load and
// QuestionAnswering.Load rebuild the model by the method it was trained with.
using LlmMlNet.Cli.Running;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.Cli.Models;

/// <summary>Model-folder checks.</summary>
internal static class ModelFolders
{
    /// <summary>The folder's manifest (a plain Hugging Face folder counts as a full classifier).</summary>
    /// <exception cref="UsageException">The folder or its config.json is missing.</exception>
    /// <exception cref="InvalidDataException">The manifest is malformed.</exception>
    public static TaskModelManifest Open(string directory)
    {
        if (!Directory.Exists(directory)) throw new UsageException($"Model folder not found: {directory}");
        if (!File.Exists(Path.Combine(directory, "config.json"))) throw new UsageException($"{directory} has no config.json; give a folder written by `finetune`.");
        return TaskModelManifest.Load(directory);
    }
}
