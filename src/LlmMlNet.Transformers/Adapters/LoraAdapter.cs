// A LoRA adapter over one model: the A/B matrices of every targeted module in their own ParameterSet
// (so only they and the head get gradients and AdamW moments), the factory that wraps the model's dense
// layers, and Merge / Unmerge / MergeAndUnload on the base weights. Not the file format (PeftLoraFormat)
// and not a trainer.
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>LoRA weights for the targeted modules of one model configuration.</summary>
public sealed class LoraAdapter
{
    private LoraAdapter(TransformerConfig config, LoraOptions options, IReadOnlyList<LoraModule> modules, ParameterSet parameters)
    {
        Config = config;
        Options = options;
        Modules = modules;
        Parameters = parameters;
    }

    /// <summary>The base model's configuration.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The settings.</summary>
    public LoraOptions Options { get; }

    /// <summary>The adapted modules, in layer order.</summary>
    public IReadOnlyList<LoraModule> Modules { get; }

    /// <summary>A [r, in] and B [out, r] of every module (named <see cref="LoraModule.AName"/>/<see cref="LoraModule.BName"/>), all trainable.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>True while the update is folded into the base weights (the layers then skip it).</summary>
    public bool IsMerged { get; private set; }

    /// <summary>
    /// False while the adapter is switched off (PEFT's <c>disable_adapter()</c>): the layers then compute the base model alone,
    /// which is how DPO's reference forward reuses the policy's weights instead of a second copy. Default true.
    /// </summary>
    public bool IsEnabled { get; set; } = true;

    /// <summary>Number of LoRA parameters (A and B of every module; tensors added by the caller not counted).</summary>
    public long ParameterCount => Modules.Sum(m => (long)Options.Rank * (m.InFeatures + m.OutFeatures));

    /// <summary>
    /// Creates an adapter as PEFT initialises one: A Kaiming-uniform with a = √5 (bound 1/√in), B zeros, so the
    /// adapted model starts equal to the base model.
    /// </summary>
    /// <param name="config">The base model's configuration.</param>
    /// <param name="options">Settings; null uses the defaults.</param>
    /// <param name="addTensors">Adds further trainable tensors to <see cref="Parameters"/> (e.g. the task head, so one optimizer
    /// covers exactly what trains); the caller initialises them. Null adds none.</param>
    /// <exception cref="ArgumentException">Invalid options or a target that matches no dense layer.</exception>
    public static LoraAdapter Create(TransformerConfig config, LoraOptions? options = null, Action<ParameterLayout.Builder>? addTensors = null)
    {
        var adapter = Allocate(config, options ?? new LoraOptions(), addTensors);
        foreach (var module in adapter.Modules)
            ParameterInit.KaimingUniform(adapter.Parameters.View(module.AName), module.InFeatures, adapter.Options.Seed, ParameterInit.StreamOf(module.AName));
        return adapter;
    }

    /// <summary>An adapter with zeroed A and B (for loading).</summary>
    internal static LoraAdapter Allocate(TransformerConfig config, LoraOptions options, Action<ParameterLayout.Builder>? addTensors = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var modules = LoraTargets.Resolve(config, options.TargetModules);
        var builder = new ParameterLayout.Builder();
        foreach (var module in modules)
        {
            builder.Add(module.AName, [options.Rank, module.InFeatures]);
            builder.Add(module.BName, [module.OutFeatures, options.Rank]);
        }
        addTensors?.Invoke(builder);
        return new LoraAdapter(config, options, modules, new ParameterSet(builder.Build()));
    }

    /// <summary>
    /// A factory for the model's dense layers: targeted prefixes get a <see cref="LoraLinear"/> around a plain
    /// <see cref="Linear"/> over <paramref name="baseParameters"/>, other prefixes a plain Linear. Pass
    /// <see cref="LoraLayerFactory.Create"/> as the model's dense-layer factory and <paramref name="arena"/> as its arena.
    /// </summary>
    /// <param name="baseParameters">The model's parameters; build them with the encoder frozen so the base weights skip their gradient GEMMs.</param>
    /// <param name="arena">The model's activation arena (LoRA reserves its buffers there).</param>
    /// <param name="maxRows">Largest batch × sequence the model runs.</param>
    public LoraLayerFactory CreateLayerFactory(ParameterSet baseParameters, ActivationArena arena, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(baseParameters);
        ArgumentNullException.ThrowIfNull(arena);
        if (maxRows <= 0) throw new ArgumentException($"maxRows must be positive, got {maxRows}.", nameof(maxRows));
        return new LoraLayerFactory(this, baseParameters, arena, maxRows);
    }

    /// <summary>Folds the update into the base weights: W_part += (alpha/r)·B_part·A. Idempotent while merged.</summary>
    /// <exception cref="ArgumentException">The base set lacks a targeted weight or its shape differs.</exception>
    public void Merge(ParameterSet baseParameters)
    {
        if (IsMerged) return;
        Apply(baseParameters, Options.Scaling);
        IsMerged = true;
    }

    /// <summary>Undoes <see cref="Merge"/>: W_part -= (alpha/r)·B_part·A (equal to the weights before Merge within float rounding).</summary>
    /// <exception cref="ArgumentException">The base set lacks a targeted weight or its shape differs.</exception>
    public void Unmerge(ParameterSet baseParameters)
    {
        if (!IsMerged) return;
        Apply(baseParameters, -Options.Scaling);
        IsMerged = false;
    }

    /// <summary>
    /// Merges the update into <paramref name="baseParameters"/> for good (PEFT's merge_and_unload): the base weights then give a
    /// plain model (build it with plain Linear layers) whose outputs equal the adapted model's. The adapter stays merged.
    /// </summary>
    public ParameterSet MergeAndUnload(ParameterSet baseParameters)
    {
        Merge(baseParameters);
        return baseParameters;
    }

    /// <summary>
    /// Folds the update into <paramref name="copy"/>, a copy of the base weights, leaving this adapter unmerged (the layers keep
    /// applying it to the original base): a plain model equal to the adapted one, e.g. for saving or generation.
    /// </summary>
    /// <exception cref="InvalidOperationException">The adapter is merged into its base (the copy would get the update twice).</exception>
    /// <exception cref="ArgumentException">The copy lacks a targeted weight or its shape differs.</exception>
    public void MergeInto(ParameterSet copy)
    {
        if (IsMerged) throw new InvalidOperationException("The adapter is already merged into its base weights; a copy of them holds the update.");
        Apply(copy, Options.Scaling);
    }

    private void Apply(ParameterSet baseParameters, float scale)
    {
        ArgumentNullException.ThrowIfNull(baseParameters);
        int r = Options.Rank;
        foreach (var module in Modules)
            foreach (var part in module.Parts)
            {
                var weight = baseParameters.Handle(part.OurPrefix + ".weight");
                if (weight.Shape.Length != 2 || weight.Shape[0] != part.Rows || weight.Shape[1] != module.InFeatures)
                    throw new ArgumentException($"Base weight '{weight.Name}' is {weight.ShapeText}; LoRA expects [{part.Rows}, {module.InFeatures}].", nameof(baseParameters));
                var b = Parameters.View(module.BName).Slice(part.RowOffset * r, part.Rows * r);
                Gemm.Sgemm(false, false, part.Rows, module.InFeatures, r, scale, b, r, Parameters.View(module.AName), module.InFeatures,
                    1f, baseParameters.Value(weight), module.InFeatures);
            }
    }
}
