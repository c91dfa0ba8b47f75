// Checks a model folder given to `predict` or `evaluate` before any work: it exists, has config.json,
// and holds weights the CLI can run by themselves. Not a loader: SavedClassifier / SavedQuestionAnswering load.
using LlmMlNet.Cli.Running;

namespace LlmMlNet.Cli.Models;

/// <summary>Model-folder checks.</summary>
internal static class ModelFolders
{
    /// <summary>The folder's manifest (a plain Hugging Face folder counts as a full classifier).</summary>
    /// <exception cref="UsageException">The folder or its config.json is missing, or its method cannot run on its own.</exception>
    public static TaskModelManifest Open(string directory)
    {
        if (!Directory.Exists(directory)) throw new UsageException($"Model folder not found: {directory}");
        var manifest = TaskModelManifest.Load(directory);
        if (!manifest.Runnable)
            throw new UsageException($"{directory} was fine-tuned with method '{manifest.Method}', which predict and evaluate cannot run yet (only full and lora).");
        if (!File.Exists(Path.Combine(directory, "config.json"))) throw new UsageException($"{directory} has no config.json.");
        return manifest;
    }
}
