// Fills a model's parameters from a Hugging Face checkpoint folder through its family's key table:
// normalises checkpoint keys (prefix or none, old gamma/beta names), checks every shape against the
// config before copying anything, then converts each tensor straight from the mapping into the
// parameter buffer. Missing encoder weights are an error; missing head weights are reported.
namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Returns the writable float32 storage of one of our parameters, by name.</summary>
/// <param name="ourName">Our parameter name, e.g. "layers.0.attention.query.weight".</param>
public delegate Span<float> ParameterView(string ourName);

/// <summary>Loads safetensors checkpoints into our parameters.</summary>
public static class CheckpointLoader
{
    /// <summary>
    /// Loads every parameter of <paramref name="groups"/> from <paramref name="folder"/> into <paramref name="target"/>.
    /// </summary>
    /// <param name="folder">An open checkpoint folder.</param>
    /// <param name="config">The model's configuration; expected shapes come from it.</param>
    /// <param name="groups">The parts the model has (encoder plus its heads).</param>
    /// <param name="target">Storage of each of our parameters; called once per loaded parameter.</param>
    /// <param name="ignoreMismatchedHeadSizes">
    /// When true, a head tensor whose shape differs from the config (e.g. another label count) is reported
    /// as initialized instead of failing, like Hugging Face's <c>ignore_mismatched_sizes</c>. Default false.
    /// </param>
    /// <returns>The report; parameters it lists as initialized were not touched.</returns>
    /// <exception cref="InvalidDataException">
    /// An encoder weight is missing (the message names the key; DistilBERT's sinusoidal position table may be
    /// absent and is then reported as initialized, since it is computed, not learned), a tensor's shape does not match the
    /// config (naming file, tensor, both shapes), or a weight's dtype is not F32/F16/BF16; thrown before any
    /// parameter is written. Also a NaN or infinite weight (naming file, tensor and element), found while copying. Buffers of other dtypes (int64 position_ids) are fine: they are ignored.
    /// </exception>
    public static CheckpointLoadReport Load(CheckpointFolder folder, TransformerConfig config, IReadOnlySet<KeyGroup> groups,
        ParameterView target, bool ignoreMismatchedHeadSizes = false)
    {
        var plan = Plan(folder, config, groups, ignoreMismatchedHeadSizes);
        foreach (var group in plan.ToLoad.GroupBy(m => m.HfName))
        {
            var stored = plan.Canonical[group.Key];
            var file = folder.FileOf(stored);
            if (group.All(m => m.IsDirect))
            {
                foreach (var mapping in group)
                {
                    var view = Checked(target, mapping);
                    file.ReadFloat32(stored, view);
                    RequireFinite(view, file.Path, stored);
                }
                continue;
            }
            // Transposed or split tensors go through one temporary of that single tensor.
            var whole = file.ReadFloat32(stored);
            RequireFinite(whole, file.Path, stored);
            foreach (var mapping in group) mapping.Gather(whole, Checked(target, mapping));
        }
        return plan.Report;
    }

    /// <summary>
    /// Runs every check of <see cref="Load"/> (keys, dtypes, shapes against the config) without copying anything, so callers can
    /// refuse a config whose sizes disagree with the weight files' headers before allocating a model of those sizes.
    /// </summary>
    /// <returns>The report <see cref="Load"/> would return.</returns>
    /// <exception cref="InvalidDataException">As <see cref="Load"/>.</exception>
    public static CheckpointLoadReport Check(CheckpointFolder folder, TransformerConfig config, IReadOnlySet<KeyGroup> groups, bool ignoreMismatchedHeadSizes = false) =>
        Plan(folder, config, groups, ignoreMismatchedHeadSizes).Report;

    private sealed record LoadPlan(List<TensorMapping> ToLoad, Dictionary<string, string> Canonical, CheckpointLoadReport Report);

    private static LoadPlan Plan(CheckpointFolder folder, TransformerConfig config, IReadOnlySet<KeyGroup> groups, bool ignoreMismatchedHeadSizes)
    {
        var table = KeyTable.For(config.Family);
        var mappings = table.Expand(config, groups);
        var expectedKeys = mappings.Select(m => m.HfName).ToHashSet(StringComparer.Ordinal);
        var allKnownKeys = table.Expand(config, Enum.GetValues<KeyGroup>().ToHashSet())
            .Select(m => m.HfName).ToHashSet(StringComparer.Ordinal);

        var canonical = new Dictionary<string, string>(StringComparer.Ordinal); // HF key → stored key
        var unexpected = new List<string>();
        var ignored = new List<string>();
        var tied = new List<string>();
        foreach (var stored in folder.TensorNames.OrderBy(n => n, StringComparer.Ordinal))
        {
            var key = Normalize(stored, table, allKnownKeys);
            if (table.IsIgnored(key)) ignored.Add(stored);
            else if (table.TiedKeys.Contains(key)) tied.Add(stored);
            else if (table.Aliases.TryGetValue(key, out var aliasOf))
            {
                // A second copy of a tensor stored under its other name: used only when the main name is absent.
                if (!canonical.ContainsKey(aliasOf)) canonical[aliasOf] = stored;
                else tied.Add(stored);
            }
            else if (expectedKeys.Contains(key))
            {
                if (canonical.TryGetValue(key, out var aliasStored) && aliasStored != stored) tied.Add(aliasStored);
                canonical[key] = stored;
            }
            else unexpected.Add(stored);
        }

        // DistilBERT's fixed sinusoidal table may be absent: Hugging Face's _init_weights recomputes it, as Create does.
        var missingEncoder = mappings.Where(m => m.Group == KeyGroup.Encoder && !canonical.ContainsKey(m.HfName) && !IsComputedTable(config, m))
            .Select(m => m.HfName).Distinct().ToList();
        if (missingEncoder.Count > 0)
            throw new InvalidDataException(
                $"{folder.Directory}: the checkpoint lacks encoder weight(s) {string.Join(", ", missingEncoder.Take(10))}" +
                (missingEncoder.Count > 10 ? $" and {missingEncoder.Count - 10} more" : "") +
                $" (is it a {config.Family} checkpoint?)");

        var toLoad = new List<TensorMapping>();
        var initialized = new List<TensorMapping>();
        foreach (var mapping in mappings)
        {
            if (!canonical.TryGetValue(mapping.HfName, out var stored))
            {
                initialized.Add(mapping);
                continue;
            }
            var info = folder.Info(stored);
            if (!SafetensorsDTypes.IsReadable(info.DType))
                throw new InvalidDataException(
                    $"{folder.FileOf(stored).Path}: tensor '{stored}': dtype {SafetensorsDTypes.Name(info.DType)} is not supported (only F32, F16 and BF16 are read)");
            if (!info.Shape.SequenceEqual(mapping.HfShape))
            {
                if (ignoreMismatchedHeadSizes && mapping.Group != KeyGroup.Encoder)
                {
                    initialized.Add(mapping);
                    continue;
                }
                throw new InvalidDataException(
                    $"{folder.FileOf(stored).Path}: tensor '{stored}' has shape {info.ShapeText} but the config " +
                    $"({folder.ConfigPath}) expects [{string.Join(", ", mapping.HfShape)}]");
            }
            toLoad.Add(mapping);
        }

        return new LoadPlan(toLoad, canonical, new CheckpointLoadReport(folder.Directory,
            toLoad.Select(m => m.OurName).ToList(),
            initialized.Select(m => m.OurName).ToList(),
            initialized.Select(m => m.HfName).Distinct().ToList(),
            unexpected, ignored, tied));
    }

    // A NaN or infinite weight makes every output NaN far from its cause (predict then fails serializing JSON): refuse it here.
    private static void RequireFinite(ReadOnlySpan<float> values, string file, string tensor)
    {
        for (var i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new InvalidDataException($"{file}: tensor '{tensor}' holds {values[i]} at element {i}; weights must be finite numbers");
    }

    private static bool IsComputedTable(TransformerConfig config, TensorMapping mapping) =>
        config.SinusoidalPositions && mapping.OurName == "embeddings.position";

    private static Span<float> Checked(ParameterView target, TensorMapping mapping)
    {
        var view = target(mapping.OurName);
        if (view.Length != mapping.ElementCount)
            throw new InvalidOperationException(
                $"parameter '{mapping.OurName}' has {view.Length} elements but [{string.Join(", ", mapping.OurShape)}] needs {mapping.ElementCount}");
        return view;
    }

    // Applies old-layout renames, then adds the base-model prefix when the key is only known with it
    // (checkpoints saved from the bare model, or original GPT-2 files, have no prefix).
    private static string Normalize(string stored, KeyTable table, HashSet<string> knownKeys)
    {
        var key = stored;
        foreach (var (old, replacement) in table.Renames)
            if (key.EndsWith(old, StringComparison.Ordinal)) key = key[..^old.Length] + replacement;
        if (knownKeys.Contains(key) || key.StartsWith(table.Prefix, StringComparison.Ordinal)) return key;
        var prefixed = table.Prefix + key;
        if (knownKeys.Contains(prefixed) || table.IsIgnored(prefixed))
            return prefixed;
        return key;
    }
}
