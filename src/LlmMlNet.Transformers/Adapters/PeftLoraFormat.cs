// Saves and loads a LoRA adapter in PEFT's layout, so Python's PeftModel.from_pretrained reads ours and we
// read theirs: adapter_config.json (peft_type LORA, r, lora_alpha, lora_dropout, target_modules, ...) and
// adapter_model.safetensors with keys "base_model.model.<module>.lora_A.weight" [r, in] / ".lora_B.weight"
// [out, r], plus the task head as modules_to_save. Written atomically. Not the base checkpoint.
using System.Text.Json;
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>PEFT's LoRA adapter files.</summary>
public static class PeftLoraFormat
{
    /// <summary>The config file's name.</summary>
    public const string ConfigFileName = "adapter_config.json";

    /// <summary>The weights file's name.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>The prefix PEFT's saved keys carry (PeftModel.base_model.model).</summary>
    public const string KeyPrefix = "base_model.model.";

    /// <summary>
    /// Writes the adapter (and, when given, the task head's tensors as PEFT's modules_to_save) into <paramref name="directory"/>.
    /// </summary>
    /// <param name="adapter">The adapter.</param>
    /// <param name="directory">Target folder (created when missing), usually beside the base checkpoint.</param>
    /// <param name="baseModelNameOrPath">base_model_name_or_path: where Python finds the base model.</param>
    /// <param name="taskType">PEFT's task_type, e.g. "SEQ_CLS", "QUESTION_ANS", "FEATURE_EXTRACTION"; null writes null.</param>
    /// <param name="headTensors">Head tensors by Hugging Face key (e.g. "classifier.weight"), with their shapes; null writes none.</param>
    /// <returns>The files written.</returns>
    /// <exception cref="InvalidOperationException">The adapter is merged (its weights would be applied twice).</exception>
    public static IReadOnlyList<string> Save(LoraAdapter adapter, string directory, string? baseModelNameOrPath = null, string? taskType = null,
        IReadOnlyList<SafetensorsTensor>? headTensors = null)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (adapter.IsMerged) throw new InvalidOperationException("Unmerge the LoRA adapter before saving it.");
        int r = adapter.Options.Rank;
        var tensors = new List<SafetensorsTensor>();
        foreach (var module in adapter.Modules)
        {
            tensors.Add(new(KeyPrefix + module.AName, [r, module.InFeatures], adapter.Parameters.View(module.AName).ToArray()));
            tensors.Add(new(KeyPrefix + module.BName, [module.OutFeatures, r], adapter.Parameters.View(module.BName).ToArray()));
        }
        var modulesToSave = new List<string>();
        foreach (var head in headTensors ?? [])
        {
            tensors.Add(head with { Name = KeyPrefix + head.Name });
            string module = head.Name.Split('.')[0];
            if (!modulesToSave.Contains(module)) modulesToSave.Add(module);
        }
        var weightsPath = Path.Combine(directory, WeightsFileName);
        var configPath = Path.Combine(directory, ConfigFileName);
        SafetensorsWriter.Write(weightsPath, tensors);
        AtomicFile.Write(configPath, stream => WriteConfig(stream, adapter, baseModelNameOrPath, taskType, modulesToSave));
        return [configPath, weightsPath];
    }

    /// <summary>Reads adapter_config.json's LoRA settings.</summary>
    /// <exception cref="InvalidDataException">The file is missing, not LORA, or a field is missing or of the wrong type (the message names the file and field).</exception>
    public static LoraOptions ReadOptions(string directory)
    {
        var path = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(path)) throw new InvalidDataException($"No {ConfigFileName} in '{directory}'.");
        using var document = AdapterJson.Parse(path);
        var root = document.RootElement;
        string peftType = Field(root, "peft_type", path, JsonValueKind.String).GetString()!;
        if (peftType != "LORA") throw new InvalidDataException($"{path}: peft_type is '{peftType}', expected 'LORA'.");
        var targets = Field(root, "target_modules", path, JsonValueKind.Array, JsonValueKind.String);
        if (targets.ValueKind == JsonValueKind.String)
            throw new InvalidDataException($"{path}: target_modules is a regular expression ('{targets.GetString()}'); only a list of module names is supported.");
        if (root.TryGetProperty("bias", out var bias) && bias.ValueKind == JsonValueKind.String && bias.GetString() != "none")
            throw new InvalidDataException($"{path}: bias '{bias.GetString()}' is not supported; only \"none\".");
        return new LoraOptions
        {
            Rank = AdapterJson.PositiveInt(Field(root, "r", path, JsonValueKind.Number), "r", path),
            Alpha = AdapterJson.FiniteFloat(Field(root, "lora_alpha", path, JsonValueKind.Number), "lora_alpha", path),
            Dropout = root.TryGetProperty("lora_dropout", out var d) && d.ValueKind == JsonValueKind.Number ? AdapterJson.FiniteFloat(d, "lora_dropout", path) : 0f,
            TargetModules = targets.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : throw new InvalidDataException($"{path}: target_modules holds a non-string entry.")).ToArray(),
        };
    }

    /// <summary>
    /// Loads an adapter saved by <see cref="Save"/> or by PEFT for a model of <paramref name="config"/>.
    /// </summary>
    /// <param name="directory">The adapter folder.</param>
    /// <param name="config">The base model's configuration.</param>
    /// <param name="headValues">Receives every non-LoRA tensor of the file (modules_to_save), by Hugging Face key without the PEFT prefix; may be null.</param>
    /// <exception cref="InvalidDataException">A bad config, a missing LoRA tensor or a shape mismatch (the message names the key).</exception>
    public static LoraAdapter Load(string directory, TransformerConfig config, IDictionary<string, float[]>? headValues = null)
    {
        var options = ReadOptions(directory);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(weightsPath)) throw new InvalidDataException($"No {WeightsFileName} in '{directory}'.");
        using var file = SafetensorsFile.Open(weightsPath);
        // r comes from a small JSON file: compare it with the stored matrices before allocating rank-r adapters for every module.
        foreach (var (name, info) in file.Tensors)
            if (name.Contains(".lora_A.", StringComparison.Ordinal) && (info.Shape.Count != 2 || info.Shape[0] != options.Rank))
                throw new InvalidDataException($"{Path.Combine(directory, ConfigFileName)}: r is {options.Rank} but {weightsPath} stores '{name}' with shape {info.ShapeText}.");
        LoraAdapter adapter;
        try { adapter = LoraAdapter.Allocate(config, options); }
        catch (ArgumentException e) { throw new InvalidDataException($"{Path.Combine(directory, ConfigFileName)}: {e.Message}", e); }
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var module in adapter.Modules)
        {
            Read(file, module.AName, [options.Rank, module.InFeatures], adapter.Parameters.View(module.AName), expected);
            Read(file, module.BName, [module.OutFeatures, options.Rank], adapter.Parameters.View(module.BName), expected);
        }
        foreach (var name in file.Tensors.Keys)
        {
            if (expected.Contains(name)) continue;
            if (name.Contains(".lora_", StringComparison.Ordinal))
                throw new InvalidDataException($"{weightsPath}: tensor '{name}' belongs to no module this config's target_modules select.");
            string key = name.StartsWith(KeyPrefix, StringComparison.Ordinal) ? name[KeyPrefix.Length..] : name;
            headValues?.Add(key, file.ReadFloat32(name));
        }
        return adapter;
    }

    private static void Read(SafetensorsFile file, string name, long[] shape, Span<float> destination, HashSet<string> expected)
    {
        string key = KeyPrefix + name;
        if (!file.Contains(key)) throw new InvalidDataException($"{file.Path}: missing LoRA tensor '{key}'.");
        var info = file.Tensors[key];
        if (!info.Shape.SequenceEqual(shape))
            throw new InvalidDataException($"{file.Path}: '{key}' has shape {info.ShapeText}, expected [{string.Join(", ", shape)}].");
        file.ReadFloat32(key, destination);
        expected.Add(key);
    }

    private static JsonElement Field(JsonElement root, string name, string path, params JsonValueKind[] kinds)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object, got {root.ValueKind}.");
        if (!root.TryGetProperty(name, out var value)) throw new InvalidDataException($"{path}: missing field '{name}'.");
        if (!kinds.Contains(value.ValueKind))
            throw new InvalidDataException($"{path}: field '{name}' is {value.ValueKind}, expected {string.Join(" or ", kinds)}.");
        return value;
    }

    private static void WriteConfig(Stream stream, LoraAdapter adapter, string? baseModel, string? taskType, IReadOnlyList<string> modulesToSave)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("base_model_name_or_path", baseModel);
        json.WriteString("bias", "none");
        // PEFT sets fan_in_fan_out for GPT-2's Conv1D, whose weights are stored [in, out]; it matters only when PEFT merges.
        json.WriteBoolean("fan_in_fan_out", adapter.Config.Family == ModelFamily.Gpt2);
        json.WriteBoolean("inference_mode", true);
        json.WriteBoolean("init_lora_weights", true);
        json.WriteNumber("lora_alpha", adapter.Options.Alpha);
        json.WriteNumber("lora_dropout", adapter.Options.Dropout);
        json.WritePropertyName("modules_to_save");
        if (modulesToSave.Count == 0) json.WriteNullValue();
        else
        {
            json.WriteStartArray();
            foreach (var m in modulesToSave) json.WriteStringValue(m);
            json.WriteEndArray();
        }
        json.WriteString("peft_type", "LORA");
        json.WriteNumber("r", adapter.Options.Rank);
        json.WriteStartArray("target_modules");
        // "all-linear" is written as the module names it selected, which PEFT (and our reader) match exactly.
        var targets = adapter.Options.TargetModules.Contains(LoraTargets.AllLinear)
            ? adapter.Modules.Select(m => m.ModuleName)
            : adapter.Options.TargetModules;
        foreach (var t in targets) json.WriteStringValue(t);
        json.WriteEndArray();
        json.WriteString("task_type", taskType);
        json.WriteEndObject();
    }
}
