// A Hugging Face model folder's weights: one model.safetensors or pytorch_model.bin, or the shards listed
// by model.safetensors.index.json / pytorch_model.bin.index.json (weight_map), presented as one name →
// tensor lookup. safetensors wins when both exist, as in from_pretrained. Not aware of model keys.
using System.Text.Json;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>The safetensors weights of a model folder (single file or sharded).</summary>
public sealed class CheckpointFolder : IDisposable
{
    /// <summary>Single-file weights name.</summary>
    public const string WeightsFileName = "model.safetensors";
    /// <summary>Shard index name.</summary>
    public const string IndexFileName = "model.safetensors.index.json";
    /// <summary>PyTorch's single-file weights name (zip format, read without running its pickle).</summary>
    public const string PyTorchWeightsFileName = "pytorch_model.bin";
    /// <summary>PyTorch's shard index name.</summary>
    public const string PyTorchIndexFileName = "pytorch_model.bin.index.json";
    /// <summary>Configuration name.</summary>
    public const string ConfigFileName = "config.json";

    private readonly List<IWeightsFile> _files;
    private readonly Dictionary<string, IWeightsFile> _byTensor;

    private CheckpointFolder(string directory, List<IWeightsFile> files, Dictionary<string, IWeightsFile> byTensor)
    {
        Directory = directory;
        _files = files;
        _byTensor = byTensor;
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    /// <summary>Path of the folder's config.json (which may not exist).</summary>
    public string ConfigPath => Path.Combine(Directory, ConfigFileName);

    /// <summary>Every tensor name across all shards.</summary>
    public IReadOnlyCollection<string> TensorNames => _byTensor.Keys;

    /// <summary>The open weight files (one, or one per shard).</summary>
    public IReadOnlyList<IWeightsFile> Files => _files;

    /// <summary>Opens the weights of <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="NotSupportedException">The folder holds only TensorFlow or Flax weights.</exception>
    /// <exception cref="FileNotFoundException">No weights at all, or a shard named by the index is missing.</exception>
    /// <exception cref="InvalidDataException">
    /// A file fails validation (for pytorch_model.bin: also a pickle that references anything but the tensor-rebuild
    /// functions, named; nothing in it runs), the index is malformed, a tensor is in two shards, or a shard lacks a tensor
    /// the index assigns to it.
    /// </exception>
    public static CheckpointFolder Open(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full)) throw new DirectoryNotFoundException($"model folder not found: {full}");
        var single = Path.Combine(full, WeightsFileName);
        var index = Path.Combine(full, IndexFileName);
        if (File.Exists(single)) return FromFiles(full, [single], null);
        if (File.Exists(index)) return FromIndex(full, index);
        var bin = Path.Combine(full, PyTorchWeightsFileName);
        if (File.Exists(bin)) return FromFiles(full, [bin], null);
        var binIndex = Path.Combine(full, PyTorchIndexFileName);
        if (File.Exists(binIndex)) return FromIndex(full, binIndex);
        foreach (var other in new[] { "tf_model.h5", "flax_model.msgpack" })
            if (File.Exists(Path.Combine(full, other)))
                throw new NotSupportedException($"{full}: holds only {other}: only safetensors weights are supported; convert to safetensors");
        throw new FileNotFoundException($"{full}: no {WeightsFileName}, {IndexFileName}, {PyTorchWeightsFileName} or {PyTorchIndexFileName} found", single);
    }

    private static CheckpointFolder FromIndex(string directory, string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(indexPath));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{indexPath}: missing object field 'weight_map'");
            weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in map.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{indexPath}: weight_map entry '{item.Name}' must be a file name string");
                var file = item.Value.GetString()!;
                if (file != Path.GetFileName(file))
                    throw new InvalidDataException($"{indexPath}: weight_map entry '{item.Name}' names '{file}', which is not a file in the folder");
                weightMap[item.Name] = file;
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{indexPath}: not valid JSON ({e.Message})", e);
        }
        var shards = weightMap.Values.Distinct().OrderBy(f => f, StringComparer.Ordinal).Select(f => Path.Combine(directory, f)).ToList();
        foreach (var shard in shards)
            if (!File.Exists(shard)) throw new FileNotFoundException($"{indexPath}: shard {Path.GetFileName(shard)} is missing", shard);
        return FromFiles(directory, shards, (indexPath, weightMap));
    }

    private static CheckpointFolder FromFiles(string directory, List<string> paths, (string Path, Dictionary<string, string> Map)? index)
    {
        var files = new List<IWeightsFile>();
        try
        {
            var byTensor = new Dictionary<string, IWeightsFile>(StringComparer.Ordinal);
            foreach (var path in paths)
            {
                IWeightsFile file = path.EndsWith(".safetensors", StringComparison.Ordinal) ? SafetensorsFile.Open(path) : PyTorchBinFile.Open(path);
                files.Add(file);
                foreach (var name in file.Tensors.Keys)
                    if (!byTensor.TryAdd(name, file))
                        throw new InvalidDataException($"{path}: tensor '{name}' is also in {byTensor[name].Path}");
            }
            if (index is var (indexPath, map))
                foreach (var (name, shard) in map)
                    if (!byTensor.TryGetValue(name, out var file) || Path.GetFileName(file.Path) != shard)
                        throw new InvalidDataException($"{indexPath}: tensor '{name}' is mapped to {shard}, which does not hold it");
            return new CheckpointFolder(directory, files, byTensor);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    /// <summary>True when some shard holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byTensor.ContainsKey(name);

    /// <summary>The file that holds <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No shard holds it.</exception>
    public IWeightsFile FileOf(string name) =>
        _byTensor.TryGetValue(name, out var file) ? file : throw new KeyNotFoundException($"{Directory}: no tensor named '{name}'");

    /// <summary>Header entry of <paramref name="name"/>.</summary>
    public SafetensorsTensorInfo Info(string name) => FileOf(name).Tensors[name];

    /// <summary>True when <paramref name="directory"/> holds weights <see cref="Open"/> reads (either format, single or sharded).</summary>
    public static bool HasWeights(string directory) =>
        new[] { WeightsFileName, IndexFileName, PyTorchWeightsFileName, PyTorchIndexFileName }.Any(f => File.Exists(Path.Combine(directory, f)));

    /// <summary>Unmaps every shard.</summary>
    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }
}
