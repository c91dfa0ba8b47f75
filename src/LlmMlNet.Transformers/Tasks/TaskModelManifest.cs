// The small manifest a saved task model carries beside its Hugging Face files (llmmlnet-task.json): the
// task, the fine-tuning method and the settings inference needs (input length, QA stride, feature pooling),
// so TextClassifier.Load and QuestionAnswering.Load rebuild exactly the model that was trained.
// Not the weights (config.json + model.safetensors, adapter/, feature_head.safetensors) and not the tokenizer.
using System.Text.Json;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Heads;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>What a saved task-model folder holds.</summary>
/// <param name="Task">"classification" or "qa".</param>
/// <param name="Method">"full", "lora", "adapter" or "features" (see <see cref="MethodName"/>).</param>
/// <param name="MaxLength">Tokens per input (or per QA window) used in training.</param>
/// <param name="BaseModel">The base model (folder or description), or null.</param>
public sealed record TaskModelManifest(string Task, string Method, int MaxLength, string? BaseModel)
{
    /// <summary>File name inside the model folder.</summary>
    public const string FileName = "llmmlnet-task.json";

    /// <summary>Sub-folder holding the adapter (PEFT LoRA files, or bottleneck adapter files).</summary>
    public const string AdapterFolder = "adapter";

    /// <summary>The feature-extraction head's weights (softmax regression W [K, C] and b [K]).</summary>
    public const string FeatureHeadFile = "feature_head.safetensors";

    /// <summary>Task name of text classification.</summary>
    public const string Classification = "classification";

    /// <summary>Task name of extractive question answering.</summary>
    public const string QuestionAnswering = "qa";

    /// <summary>Task name of a causal LM fine-tuned by SFT or DPO (Tasks.Generative.CausalLanguageModel).</summary>
    public const string TextGeneration = "text-generation";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Feature extraction's pooling ("Cls", "Mean" or "Pooler"). Default "Cls".</summary>
    public string Pooling { get; init; } = nameof(PoolingMode.Cls);

    /// <summary>Feature extraction's L2 normalisation of embeddings. Default false.</summary>
    public bool NormalizeEmbeddings { get; init; }

    /// <summary>QA: context tokens shared by consecutive windows. Default 0 (not QA).</summary>
    public int Stride { get; init; }

    /// <summary>The method's short name as written in manifests and the CLI.</summary>
    public static string MethodName(FineTuningMethod method) => method switch
    {
        FineTuningMethod.Full => "full",
        FineTuningMethod.Lora => "lora",
        FineTuningMethod.Adapter => "adapter",
        FineTuningMethod.FeatureExtraction => "features",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>The method of a short name.</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static FineTuningMethod MethodOf(string name) => name switch
    {
        "full" => FineTuningMethod.Full,
        "lora" => FineTuningMethod.Lora,
        "adapter" => FineTuningMethod.Adapter,
        "features" => FineTuningMethod.FeatureExtraction,
        _ => throw new ArgumentException($"Unknown method '{name}'; use full, lora, adapter or features.", nameof(name)),
    };

    /// <summary>Writes the manifest atomically into <paramref name="directory"/>.</summary>
    public void Save(string directory) =>
        DataFiles.WriteAtomically(Path.Combine(directory, FileName), (TextWriter w) => w.Write(JsonSerializer.Serialize(this, Json)));

    /// <summary>
    /// Reads the manifest of <paramref name="directory"/>; a plain Hugging Face folder without one counts as a fully
    /// fine-tuned classifier of <paramref name="defaultMaxLength"/> tokens.
    /// </summary>
    /// <exception cref="InvalidDataException">The manifest is malformed, or names an unknown task or method.</exception>
    public static TaskModelManifest Load(string directory, int defaultMaxLength = 128)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            // The manifest is written last: adapter files without it are an interrupted save, not a plain model to
            // load while silently dropping the adapter.
            foreach (var part in new[] { AdapterFolder, "feature_head.safetensors" })
                if (Path.Exists(Path.Combine(directory, part)))
                    throw new InvalidDataException(
                        $"{path} is missing but {Path.Combine(directory, part)} exists: the save was interrupted before its last file; save or fine-tune again");
            return new TaskModelManifest(Classification, "full", defaultMaxLength, null);
        }
        TaskModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<TaskModelManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        if (manifest is null) throw new InvalidDataException($"{path}: empty manifest.");
        if (manifest.Task is not (Classification or QuestionAnswering or TextGeneration)) throw new InvalidDataException($"{path}: unknown task '{manifest.Task}'.");
        if (manifest.Method is not ("full" or "lora" or "adapter" or "features")) throw new InvalidDataException($"{path}: unknown method '{manifest.Method}'.");
        if (manifest.MaxLength < 4) throw new InvalidDataException($"{path}: max_length {manifest.MaxLength} is too small.");
        if (!Enum.TryParse<PoolingMode>(manifest.Pooling, ignoreCase: true, out _)) throw new InvalidDataException($"{path}: unknown pooling '{manifest.Pooling}'.");
        return manifest;
    }

    /// <summary>The task-model options this manifest implies (adapter settings are read from the adapter files).</summary>
    internal TaskModelOptions ToOptions(int batchSize) => new()
    {
        Method = MethodOf(Method),
        MaxLength = MaxLength,
        Pooling = Enum.Parse<PoolingMode>(Pooling, ignoreCase: true),
        NormalizeEmbeddings = NormalizeEmbeddings,
        Trainer = new Training.TrainerOptions { BatchSize = batchSize },
    };
}
