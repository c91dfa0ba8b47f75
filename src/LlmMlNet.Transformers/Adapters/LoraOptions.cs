// LoRA hyper-parameters: rank 8, alpha 16 and every dense layer of the blocks ("all-linear"), the
// settings that learn on real text for small models pre-trained from scratch (issue 16: PEFT's
// r 8 / alpha 8 / query+value left a tiny BERT at chance on SST-2). Plain settings: which modules
// they select is LoraTargets' job, the weights are LoraAdapter's.
namespace LlmMlNet.Transformers.Adapters;

/// <summary>Settings of a LoRA adapter (PEFT's <c>LoraConfig</c>).</summary>
public sealed record LoraOptions
{
    /// <summary>Rank r of the update B·A. Default 8; must be positive.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>lora_alpha; the update is scaled by Alpha / Rank. Default 16 (scaling 2 at the default rank).</summary>
    public float Alpha { get; init; } = 16f;

    /// <summary>Dropout on the adapter's input (training mode only), in [0, 1). Default 0.</summary>
    public float Dropout { get; init; }

    /// <summary>
    /// Modules to adapt, matched as PEFT matches a list: a module is adapted when its Hugging Face name
    /// (e.g. "bert.encoder.layer.0.attention.self.query") or our name ("layers.0.attention.query")
    /// equals an entry or ends with "." + entry; <see cref="LoraTargets.AllLinear"/> ("all-linear") selects every dense
    /// layer of the blocks. Default ["all-linear"] (PEFT's own default for BERT, query and value only, left small models
    /// pre-trained from scratch at chance). GPT-2's fused "c_attn" gets one A and one B over the fused Q|K|V output, as in PEFT.
    /// </summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [LoraTargets.AllLinear];


    /// <summary>Initialisation seed of A (each tensor draws from a stream keyed by its name). Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>The scaling Alpha / Rank.</summary>
    public float Scaling => Alpha / Rank;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">Rank not positive, Alpha not finite, Dropout outside [0, 1), or no target modules.</exception>
    public LoraOptions Validate()
    {
        if (Rank <= 0) throw new ArgumentException($"LoRA rank must be positive, got {Rank}.", nameof(Rank));
        if (!float.IsFinite(Alpha)) throw new ArgumentException($"LoRA alpha must be finite, got {Alpha}.", nameof(Alpha));
        if (!(Dropout >= 0f && Dropout < 1f)) throw new ArgumentException($"LoRA dropout must be in [0, 1), got {Dropout}.", nameof(Dropout));
        if (TargetModules is null || TargetModules.Count == 0 || TargetModules.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("LoRA needs at least one non-empty target module name.", nameof(TargetModules));
        return this;
    }
}
