// Our own small file format for bottleneck adapters, saved beside the base checkpoint:
//   bottleneck_adapter.json         {"format": "llmmlnet-bottleneck-adapter", "version": 1, "model_type", "hidden_size",
//                                     "num_hidden_layers", "bottleneck_size", "activation", "after_attention", "after_feed_forward"}
//   bottleneck_adapter.safetensors  "layers.{i}.{attention.output|ffn.down}.adapter.{down|up}.{weight|bias}", float32
// Both written atomically. Not compatible with the adapter-transformers library's layout (deliberately small).
using System.Text.Json;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>Saves and loads <see cref="BottleneckAdapter"/>s.</summary>
public static class BottleneckAdapterFormat
{
    /// <summary>The config file's name.</summary>
    public const string ConfigFileName = "bottleneck_adapter.json";

    /// <summary>The weights file's name.</summary>
    public const string WeightsFileName = "bottleneck_adapter.safetensors";

    private const string FormatName = "llmmlnet-bottleneck-adapter";

    private static readonly Dictionary<ActivationFunction, string> ActivationNames = new()
    {
        [ActivationFunction.Relu] = "relu",
        [ActivationFunction.Gelu] = "gelu",
        [ActivationFunction.GeluTanh] = "gelu_new",
    };

    /// <summary>Writes the adapters into <paramref name="directory"/> (created when missing); returns the files written.</summary>
    public static IReadOnlyList<string> Save(BottleneckAdapter adapter, string directory)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var tensors = adapter.Parameters.Layout.Tensors.Where(h => h.Name.Contains(".adapter.", StringComparison.Ordinal))
            .Select(h => new SafetensorsTensor(h.Name, h.Shape.ToArray().Select(d => (long)d).ToArray(), adapter.Parameters.Value(h).ToArray()))
            .ToList();
        var weightsPath = Path.Combine(directory, WeightsFileName);
        var configPath = Path.Combine(directory, ConfigFileName);
        SafetensorsWriter.Write(weightsPath, tensors);
        AtomicFile.Write(configPath, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", 1);
            json.WriteString("model_type", adapter.Config.Family.ToString().ToLowerInvariant());
            json.WriteNumber("hidden_size", adapter.Config.HiddenSize);
            json.WriteNumber("num_hidden_layers", adapter.Config.NumLayers);
            json.WriteNumber("bottleneck_size", adapter.Options.BottleneckSize);
            json.WriteString("activation", ActivationNames[adapter.Options.Activation]);
            json.WriteBoolean("after_attention", adapter.Options.AfterAttention);
            json.WriteBoolean("after_feed_forward", adapter.Options.AfterFeedForward);
            json.WriteEndObject();
        });
        return [configPath, weightsPath];
    }

    /// <summary>Loads adapters saved by <see cref="Save"/> for a model of <paramref name="config"/>.</summary>
    /// <exception cref="InvalidDataException">A missing file or field, a model of another width or depth, or a missing or mis-shaped tensor (the message names the file and field or key).</exception>
    public static BottleneckAdapter Load(string directory, TransformerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var configPath = Path.Combine(directory, ConfigFileName);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(configPath)) throw new InvalidDataException($"No {ConfigFileName} in '{directory}'.");
        if (!File.Exists(weightsPath)) throw new InvalidDataException($"No {WeightsFileName} in '{directory}'.");
        BottleneckOptions options;
        using (var document = AdapterJson.Parse(configPath))
        {
            var root = document.RootElement;
            if (String(root, "format", configPath) != FormatName)
                throw new InvalidDataException($"{configPath}: field 'format' must be '{FormatName}'.");
            int hidden = Int(root, "hidden_size", configPath), layers = Int(root, "num_hidden_layers", configPath);
            if (hidden != config.HiddenSize || layers != config.NumLayers)
                throw new InvalidDataException(
                    $"{configPath}: adapters for hidden_size {hidden} × {layers} layers do not fit a model of hidden_size {config.HiddenSize} × {config.NumLayers} layers.");
            ActivationFunction activation;
            try { activation = Activations.Parse(String(root, "activation", configPath)); }
            catch (ArgumentException e) { throw new InvalidDataException($"{configPath}: field 'activation': {e.Message}", e); }
            options = new BottleneckOptions
            {
                BottleneckSize = Int(root, "bottleneck_size", configPath),
                Activation = activation,
                AfterAttention = Bool(root, "after_attention", configPath),
                AfterFeedForward = Bool(root, "after_feed_forward", configPath),
            };
        }
        using var file = SafetensorsFile.Open(weightsPath);
        // bottleneck_size comes from a small JSON file: every adapter holds a [size, hidden] down-projection, so the file
        // must hold at least that many elements per layer before adapters of that size are allocated.
        long stored = file.Tensors.Values.Sum(t => t.ElementCount);
        if (options.BottleneckSize <= 0 || (long)options.BottleneckSize * config.HiddenSize * config.NumLayers > stored)
            throw new InvalidDataException(
                $"{configPath}: bottleneck_size {options.BottleneckSize} does not fit {weightsPath}, which holds {stored} values for {config.NumLayers} layers of hidden size {config.HiddenSize}.");
        BottleneckAdapter adapter;
        try { adapter = BottleneckAdapter.Allocate(config, options); }
        catch (ArgumentException e) { throw new InvalidDataException($"{configPath}: {e.Message}", e); }
        foreach (var handle in adapter.Parameters.Layout.Tensors)
        {
            if (!file.Contains(handle.Name)) throw new InvalidDataException($"{weightsPath}: missing tensor '{handle.Name}'.");
            var info = file.Tensors[handle.Name];
            if (!info.Shape.SequenceEqual(handle.Shape.ToArray().Select(d => (long)d)))
                throw new InvalidDataException($"{weightsPath}: '{handle.Name}' has shape {info.ShapeText}, expected {handle.ShapeText}.");
            file.ReadFloat32(handle.Name, adapter.Parameters.Value(handle));
        }
        return adapter;
    }

    private static JsonElement Field(JsonElement root, string name, string path, JsonValueKind kind)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object, got {root.ValueKind}.");
        if (!root.TryGetProperty(name, out var value)) throw new InvalidDataException($"{path}: missing field '{name}'.");
        if (value.ValueKind != kind && !(kind == JsonValueKind.True && value.ValueKind == JsonValueKind.False))
            throw new InvalidDataException($"{path}: field '{name}' is {value.ValueKind}, expected {(kind == JsonValueKind.True ? "a boolean" : kind.ToString())}.");
        return value;
    }

    private static string String(JsonElement root, string name, string path) => Field(root, name, path, JsonValueKind.String).GetString()!;

    private static int Int(JsonElement root, string name, string path) =>
        Field(root, name, path, JsonValueKind.Number).TryGetInt32(out int v) ? v : throw new InvalidDataException($"{path}: field '{name}' is not an integer.");

    private static bool Bool(JsonElement root, string name, string path) => Field(root, name, path, JsonValueKind.True).GetBoolean();
}
