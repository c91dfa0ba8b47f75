// Where a task model's base weights come from: a Hugging Face checkpoint folder, parameters already in
// memory (e.g. just pre-trained with MLM), or a fresh initialisation of a config (training from scratch).
// Not a loader itself: TaskModelBuilder copies the weights into the task model's own layout.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>The base model of a task model.</summary>
public sealed class ModelSource
{
    private ModelSource(TransformerConfig config, string? directory, TransformerParameters? parameters, ulong seed)
    {
        Config = config;
        Directory = directory;
        Parameters = parameters;
        Seed = seed;
    }

    /// <summary>The base configuration.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The checkpoint folder, or null.</summary>
    public string? Directory { get; }

    /// <summary>In-memory parameters, or null.</summary>
    public TransformerParameters? Parameters { get; }

    /// <summary>Seed of fresh tensors (heads, or everything when training from scratch).</summary>
    public ulong Seed { get; }

    /// <summary>A Hugging Face folder (config.json + model.safetensors); head tensors it lacks or sizes differently start fresh.</summary>
    /// <exception cref="InvalidDataException">config.json is missing or invalid.</exception>
    public static ModelSource FromCheckpoint(string directory, ulong seed = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var config = TransformerConfigReader.Read(Path.Combine(directory, CheckpointFolder.ConfigFileName));
        return new ModelSource(config, directory, null, seed);
    }

    /// <summary>Parameters in memory; tensors are copied by name where the shapes agree (a head of another size starts fresh).</summary>
    public static ModelSource FromParameters(TransformerParameters parameters, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new ModelSource(parameters.Config, null, parameters, seed);
    }

    /// <summary>A freshly initialised model of <paramref name="config"/> (no pre-training).</summary>
    public static ModelSource FromScratch(TransformerConfig config, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ModelSource(config, null, null, seed);
    }

    /// <summary>
    /// Checks, before anything is allocated, that the folder's weights have the shapes <paramref name="config"/> gives
    /// <paramref name="groups"/> (head tensors of another size are allowed unless <paramref name="exactHeads"/>); nothing for other sources.
    /// </summary>
    internal void CheckShapes(TransformerConfig config, IReadOnlySet<KeyGroup> groups, bool exactHeads)
    {
        if (Directory is not null) TransformerParameters.Check(Directory, config, groups, ignoreMismatchedHeadSizes: !exactHeads);
    }

    /// <summary>Copies the base weights into <paramref name="target"/> (nothing for a fresh model); returns the folder's load report, else null.</summary>
    internal CheckpointLoadReport? LoadInto(TransformerParameters target)
    {
        if (Directory is not null) return target.Load(Directory, ignoreMismatchedHeadSizes: true);
        if (Parameters is not null) target.Set.CopyValuesFrom(Parameters.Set);
        return null;
    }
}
