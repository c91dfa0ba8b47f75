// The folder layout of a saved task model, shared by TextClassifier and QuestionAnswering: the base model
// with its trained head as a Hugging Face folder (config.json + model.safetensors + tokenizer files), the
// adapter in adapter/ (LoRA in PEFT's layout, unmerged, or bottleneck adapters), the feature-extraction
// head in feature_head.safetensors, and llmmlnet-task.json written last. Every file is written atomically.
// Not the training checkpoints (TrainerCheckpoint) and not a model: the task classes build those.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Saving and reading the pieces of a task-model folder.</summary>
internal static class TaskModelFiles
{
    private const string WeightName = "weight", BiasName = "bias";

    /// <summary>Writes the base (with head), the tokenizer, the adapter and the manifest (last) into <paramref name="directory"/>.</summary>
    public static void Save(string directory, TransformerParameters parameters, Tokenizer tokenizer, TaskModelManifest manifest,
        Func<string, IReadOnlyList<string>>? saveAdapter)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        parameters.Save(directory);
        tokenizer.Save(directory);
        saveAdapter?.Invoke(Path.Combine(directory, TaskModelManifest.AdapterFolder));
        manifest.Save(directory);
    }

    /// <summary>
    /// Reads the adapter of a saved model (LoRA or bottleneck, by <paramref name="options"/>' method) and returns the
    /// options with the adapter's own settings.
    /// </summary>
    /// <exception cref="InvalidDataException">The adapter folder or one of its files is missing or malformed.</exception>
    public static (TaskModelOptions Options, SavedAdapters Adapters) ReadAdapters(string directory, TransformerConfig config, TaskModelOptions options)
    {
        var folder = Path.Combine(directory, TaskModelManifest.AdapterFolder);
        switch (options.Method)
        {
            case FineTuningMethod.Lora:
            {
                var lora = PeftLoraFormat.Load(folder, config);
                return (options with { Lora = lora.Options }, new SavedAdapters(lora, null));
            }
            case FineTuningMethod.Adapter:
            {
                var adapter = BottleneckAdapterFormat.Load(folder, config);
                // Layer norms that trained are in model.safetensors already; marking them trainable only matters for training.
                return (options with { Bottleneck = adapter.Options }, new SavedAdapters(null, adapter));
            }
            default:
                return (options, new SavedAdapters(null, null));
        }
    }

    /// <summary>Writes a softmax-regression head (W [K, C], b [K]) atomically.</summary>
    public static void SaveFeatureHead(string path, SoftmaxRegression head) =>
        SafetensorsWriter.Write(path, head.Parameters.Layout.Tensors.Select(t =>
            new SafetensorsTensor(t.Name, t.Shape.ToArray().Select(d => (long)d).ToArray(), new ReadOnlyMemory<float>(head.Parameters.Values, t.Offset, t.Length))));

    /// <summary>Reads a head saved by <see cref="SaveFeatureHead"/> for <paramref name="features"/> inputs and <paramref name="classes"/> classes.</summary>
    /// <exception cref="InvalidDataException">The file is missing, or a tensor is missing or mis-shaped.</exception>
    public static SoftmaxRegression LoadFeatureHead(string path, int features, int classes)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path} is missing: a feature-extraction model keeps its head there.");
        var head = new SoftmaxRegression(features, classes);
        using var file = SafetensorsFile.Open(path);
        foreach (var (name, shape) in new[] { (WeightName, new long[] { classes, features }), (BiasName, new long[] { classes }) })
        {
            if (!file.Contains(name)) throw new InvalidDataException($"{path}: missing tensor '{name}'.");
            if (!file.Tensors[name].Shape.SequenceEqual(shape))
                throw new InvalidDataException($"{path}: '{name}' has shape {file.Tensors[name].ShapeText}, expected [{string.Join(", ", shape)}] ({classes} labels × {features} features).");
            file.ReadFloat32(name, head.Parameters.View(name));
        }
        return head;
    }

    /// <summary>The config of a saved folder.</summary>
    /// <exception cref="InvalidDataException">config.json is missing or invalid.</exception>
    public static TransformerConfig ReadConfig(string directory)
    {
        var path = Path.Combine(directory, CheckpointFolder.ConfigFileName);
        if (!File.Exists(path)) throw new InvalidDataException($"{directory} has no {CheckpointFolder.ConfigFileName}; is it a model folder?");
        return TransformerConfigReader.Read(path);
    }
}
