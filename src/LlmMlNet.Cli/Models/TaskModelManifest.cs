// The small manifest `llmmlnet finetune` writes beside a saved model (llmmlnet-task.json): which task
// and method produced the folder and the input length, so `predict` and `evaluate` know what to run.
// Not the weights (config.json + model.safetensors, in Hugging Face's format) and not the tokenizer.
using System.Text.Json;
using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Cli.Models;

/// <summary>What a fine-tuned model folder holds.</summary>
/// <param name="Task">"classification" or "qa".</param>
/// <param name="Method">"full", "lora", "adapter" or "features".</param>
/// <param name="MaxLength">Tokens per input (or per QA window) used in training.</param>
/// <param name="BaseModel">The base model (folder or preset description).</param>
internal sealed record TaskModelManifest(string Task, string Method, int MaxLength, string BaseModel)
{
    /// <summary>File name inside the model folder.</summary>
    public const string FileName = "llmmlnet-task.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>True when the folder holds weights `predict` can run by itself (full fine-tuning, or LoRA merged into the base).</summary>
    public bool Runnable => Method is "full" or "lora";

    /// <summary>Writes the manifest atomically.</summary>
    public void Save(string directory) =>
        DataFiles.WriteAtomically(Path.Combine(directory, FileName), (TextWriter w) => w.Write(JsonSerializer.Serialize(this, Json)));

    /// <summary>Reads the manifest of <paramref name="directory"/>; a plain Hugging Face folder without one is a full classification model.</summary>
    /// <exception cref="InvalidDataException">The manifest is malformed.</exception>
    public static TaskModelManifest Load(string directory, int defaultMaxLength = 128)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return new TaskModelManifest("classification", "full", defaultMaxLength, directory);
        try
        {
            return JsonSerializer.Deserialize<TaskModelManifest>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty manifest.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
