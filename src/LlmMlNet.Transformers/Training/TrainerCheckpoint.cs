// A resumable checkpoint folder: trainable tensors (parameters.safetensors), AdamW moments
// (optimizer.safetensors) and trainer_state.json. Written into a hidden temporary folder and then
// renamed into place, so a reader sees a whole checkpoint or none. Frozen tensors are not stored:
// a resume rebuilds the model the same way (same base checkpoint) and then loads this. Not HF export.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Training;

/// <summary>Saves and restores training checkpoints.</summary>
public static class TrainerCheckpoint
{
    /// <summary>Trainable parameter values, by parameter name.</summary>
    public const string ParametersFile = "parameters.safetensors";

    /// <summary>AdamW moments: <c>exp_avg.NAME</c> and <c>exp_avg_sq.NAME</c>.</summary>
    public const string OptimizerFile = "optimizer.safetensors";

    /// <summary>The scalar state; written last.</summary>
    public const string StateFile = "trainer_state.json";

    /// <summary>Prefix of step checkpoint folders (<c>checkpoint-STEP</c>, as Hugging Face names them).</summary>
    public const string FolderPrefix = "checkpoint-";

    /// <summary>Writes a checkpoint of <paramref name="parameters"/> and <paramref name="state"/> to <paramref name="directory"/>, replacing it atomically.</summary>
    /// <exception cref="IOException">Writing failed; an existing checkpoint at <paramref name="directory"/> is left as it was.</exception>
    public static void Save(string directory, ParameterSet parameters, TrainerState state)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        var target = Path.GetFullPath(directory);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        // A run killed mid-save left its temporary folder (up to the model's size and its two moments) behind.
        DirectorySync.RemoveOrphans(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        try
        {
            var trainable = parameters.Layout.Tensors.Where(t => t.Trainable).ToList();
            SafetensorsWriter.Write(Path.Combine(temp, ParametersFile),
                trainable.Select(t => Tensor(t.Name, t, parameters.Values)));
            SafetensorsWriter.Write(Path.Combine(temp, OptimizerFile),
                trainable.Select(t => Tensor("exp_avg." + t.Name, t, parameters.FirstMoments))
                    .Concat(trainable.Select(t => Tensor("exp_avg_sq." + t.Name, t, parameters.SecondMoments))));
            AtomicFile.WriteText(Path.Combine(temp, StateFile), state.ToJson());
            ReplaceFolder(temp, target);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>
    /// Loads values and moments of every trainable tensor of <paramref name="parameters"/> from
    /// <paramref name="directory"/> and returns its state. Gradients are zeroed.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is missing, a trainable tensor is missing or has another shape (named), or the state is malformed.</exception>
    public static TrainerState Load(string directory, ParameterSet parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Checkpoint folder '{directory}' does not exist.");
        var statePath = Path.Combine(directory, StateFile);
        if (!File.Exists(statePath))
            throw new InvalidDataException($"'{directory}' is not a complete checkpoint: {StateFile} is missing.");
        var state = TrainerState.FromJson(File.ReadAllText(statePath), statePath);
        // Read everything into scratch first so a bad file leaves the model untouched.
        var trainable = parameters.Layout.Tensors.Where(t => t.Trainable).ToList();
        var values = ReadAll(Path.Combine(directory, ParametersFile), trainable, "");
        var first = ReadAll(Path.Combine(directory, OptimizerFile), trainable, "exp_avg.");
        var second = ReadAll(Path.Combine(directory, OptimizerFile), trainable, "exp_avg_sq.");
        for (int i = 0; i < trainable.Count; i++)
        {
            var t = trainable[i];
            values[i].CopyTo(parameters.Values.AsSpan(t.Offset, t.Length));
            first[i].CopyTo(parameters.FirstMoments.AsSpan(t.Offset, t.Length));
            second[i].CopyTo(parameters.SecondMoments.AsSpan(t.Offset, t.Length));
        }
        parameters.ZeroGradients();
        return state;
    }

    /// <summary>Loads only the trainable values (e.g. the best checkpoint's weights at the end of a run).</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or has another shape.</exception>
    public static void LoadValues(string directory, ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var trainable = parameters.Layout.Tensors.Where(t => t.Trainable).ToList();
        var values = ReadAll(Path.Combine(directory, ParametersFile), trainable, "");
        for (int i = 0; i < trainable.Count; i++) values[i].CopyTo(parameters.Values.AsSpan(trainable[i].Offset, trainable[i].Length));
    }

    /// <summary>The step checkpoint folders under <paramref name="outputDirectory"/>, oldest step first.</summary>
    public static IReadOnlyList<(int Step, string Path)> List(string outputDirectory)
    {
        if (!Directory.Exists(outputDirectory)) return [];
        return Directory.EnumerateDirectories(outputDirectory, FolderPrefix + "*")
            .Select(p => (Ok: int.TryParse(Path.GetFileName(p)[FolderPrefix.Length..], out int step), Step: step, Path: p))
            .Where(x => x.Ok && File.Exists(System.IO.Path.Combine(x.Path, StateFile)))
            .OrderBy(x => x.Step)
            .Select(x => (x.Step, x.Path))
            .ToList();
    }

    /// <summary>
    /// The newest complete step checkpoint under <paramref name="outputDirectory"/>, or null. Temporaries of a killed save are
    /// removed first, and a checkpoint the kill left only under its hidden .old name is restored.
    /// </summary>
    public static string? FindLatest(string outputDirectory)
    {
        DirectorySync.RemoveOrphans(outputDirectory);
        return List(outputDirectory) is { Count: > 0 } all ? all[^1].Path : null;
    }

    private static SafetensorsTensor Tensor(string name, ParameterHandle handle, float[] buffer)
        => new(name, handle.Shape.ToArray().Select(d => (long)d).ToArray(), new ReadOnlyMemory<float>(buffer, handle.Offset, handle.Length));

    private static float[][] ReadAll(string path, List<ParameterHandle> tensors, string prefix)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"Checkpoint file '{path}' is missing.");
        using var file = SafetensorsFile.Open(path);
        var result = new float[tensors.Count][];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            var name = prefix + t.Name;
            if (!file.Tensors.TryGetValue(name, out var info))
                throw new InvalidDataException($"{path}: tensor '{name}' is missing; was the checkpoint written for another model or trainable set?");
            if (!info.Shape.SequenceEqual(t.Shape.ToArray().Select(d => (long)d)))
                throw new InvalidDataException($"{path}: tensor '{name}' has shape {info.ShapeText}, the model expects {t.ShapeText}.");
            result[i] = file.ReadFloat32(name);
        }
        return result;
    }

    private static void ReplaceFolder(string source, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(source, target);
            DirectorySync.Flush(Path.GetDirectoryName(target)!);
            return;
        }
        // Move the old folder aside first: at every moment one complete checkpoint sits at a known name.
        var old = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.old");
        Directory.Move(target, old);
        Directory.Move(source, target);
        DirectorySync.Flush(Path.GetDirectoryName(target)!);
        Directory.Delete(old, recursive: true);
    }
}
