// Which dense layers a LoRA adapter wraps: the block's dense layers of a config, named both ways
// (ours, "layers.0.attention.query", and Hugging Face's module, "bert.encoder.layer.0.attention.self.query"),
// matched against PEFT-style target names. Fused checkpoint modules (GPT-2 c_attn) become one module
// with several parts. Not the weights (LoraAdapter) and not the layer (LoraLinear).
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>One of our dense layers that is a row block of an adapted module's output.</summary>
/// <param name="OurPrefix">Our parameter prefix, e.g. "layers.0.attention.query".</param>
/// <param name="RowOffset">First output row of this part in the module's output (0 unless fused).</param>
/// <param name="Rows">Output rows of this part.</param>
public sealed record LoraPart(string OurPrefix, int RowOffset, int Rows);

/// <summary>A Hugging Face module that gets one LoRA pair A [r, in], B [out, r].</summary>
/// <param name="ModuleName">The module's Hugging Face name with the family prefix, as PEFT's keys hold it.</param>
/// <param name="InFeatures">Input width.</param>
/// <param name="OutFeatures">Output width of the whole (possibly fused) module.</param>
/// <param name="Parts">Our dense layers that make up its output.</param>
public sealed record LoraModule(string ModuleName, int InFeatures, int OutFeatures, IReadOnlyList<LoraPart> Parts)
{
    /// <summary>Our name of the A matrix [r, in].</summary>
    public string AName => ModuleName + ".lora_A.weight";

    /// <summary>Our name of the B matrix [out, r].</summary>
    public string BName => ModuleName + ".lora_B.weight";
}

/// <summary>Resolves PEFT target-module names against a model's dense layers.</summary>
public static class LoraTargets
{
    /// <summary>Our names of a block's dense layers (what <c>DenseLayerFactory</c> is asked for), "{i}" standing for the layer.</summary>
    public static IReadOnlyList<string> BlockDenseLayers { get; } =
        ["attention.query", "attention.key", "attention.value", "attention.output", "ffn.up", "ffn.down"];

    /// <summary>PEFT's <c>target_modules="all-linear"</c>: every dense layer of every block, in any family (the heads are not adapted).</summary>
    public const string AllLinear = "all-linear";

    /// <summary>
    /// Every dense layer of <paramref name="config"/>'s blocks whose Hugging Face module or our name matches
    /// one of <paramref name="targetModules"/> (equal, or ending with "." + target), grouped by module.
    /// </summary>
    /// <exception cref="ArgumentException">A target matches no dense layer (the message lists the module names there are).</exception>
    public static IReadOnlyList<LoraModule> Resolve(TransformerConfig config, IReadOnlyList<string> targetModules)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(targetModules);
        var table = KeyTable.For(config.Family);
        var byOurName = table.Expand(config, new HashSet<KeyGroup> { KeyGroup.Encoder }).ToDictionary(m => m.OurName, StringComparer.Ordinal);
        var modules = new List<LoraModule>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var allModules = new List<string>();
        var grouped = new Dictionary<string, List<(TensorMapping Mapping, string Prefix)>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int layer = 0; layer < config.NumLayers; layer++)
        {
            foreach (var dense in BlockDenseLayers)
            {
                string prefix = $"layers.{layer}.{dense}";
                var mapping = byOurName[prefix + ".weight"];
                string module = mapping.HfName[..^".weight".Length];
                if (!allModules.Contains(module)) allModules.Add(module);
                var matched = targetModules.Where(t => t == AllLinear || Matches(module, t) || Matches(prefix, t)).ToList();
                if (matched.Count == 0) continue;
                foreach (var t in matched) used.Add(t);
                if (!grouped.TryGetValue(module, out var list))
                {
                    grouped[module] = list = [];
                    order.Add(module);
                }
                list.Add((mapping, prefix));
            }
        }
        var unused = targetModules.Where(t => !used.Contains(t)).ToList();
        if (unused.Count > 0)
            throw new ArgumentException(
                $"LoRA target module(s) {string.Join(", ", unused.Select(u => $"'{u}'"))} match no dense layer of this {config.Family} model; " +
                $"module names are like {string.Join(", ", allModules.Take(BlockDenseLayers.Count))}.", nameof(targetModules));
        foreach (var module in order)
        {
            var parts = grouped[module].OrderBy(p => p.Mapping.SplitIndex).ToList();
            var first = parts[0].Mapping;
            int rows = first.OurShape[0], inFeatures = first.OurShape[1];
            if (parts.Count != first.SplitCount)
                throw new ArgumentException(
                    $"LoRA target selects only part of the fused module '{module}' (our '{parts[0].Prefix}'); target the whole module name instead.",
                    nameof(targetModules));
            modules.Add(new LoraModule(module, inFeatures, rows * first.SplitCount,
                parts.Select(p => new LoraPart(p.Prefix, p.Mapping.SplitIndex * rows, rows)).ToList()));
        }
        return modules;
    }

    /// <summary>PEFT's list rule: equal, or a dotted suffix.</summary>
    public static bool Matches(string name, string target) =>
        name == target || name.EndsWith("." + target, StringComparison.Ordinal);
}
