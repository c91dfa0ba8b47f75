// A causal LM after SFT or DPO: its weights (LoRA kept apart from the frozen base), tokenizer, chat template and
// the run's history, with the merged weights that generation and evaluation use and a Save that writes a Hugging
// Face folder any GPT-2 loader reads (LoRA merged into model.safetensors, the adapter alone in adapter/ in PEFT's
// layout). Not the training (CausalLmTuning) and not generation.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks.Generative;

/// <summary>A fine-tuned causal language model.</summary>
public sealed class CausalLanguageModel
{
    /// <summary>The task name recorded in llmmlnet-task.json.</summary>
    public const string TaskName = TaskModelManifest.TextGeneration;

    private readonly TaskModel _task;
    private readonly TransformerConfig _config;

    internal CausalLanguageModel(TaskModel task, TransformerConfig config, CausalLmFeaturizer featurizer, GenerativeTuningOptions options,
        TrainingResult? result, IReadOnlyList<PreferenceMetrics> preferenceHistory)
    {
        _task = task;
        _config = config;
        Featurizer = featurizer;
        Options = options;
        TrainingResult = result;
        PreferenceHistory = preferenceHistory;
    }

    /// <summary>The settings it was trained with.</summary>
    public GenerativeTuningOptions Options { get; }

    /// <summary>The trainer's result.</summary>
    public TrainingResult? TrainingResult { get; }

    /// <summary>DPO: TRL's metrics per optimizer step (averaged over its micro-batches); empty after SFT.</summary>
    public IReadOnlyList<PreferenceMetrics> PreferenceHistory { get; }

    /// <summary>Tokenization, template and lengths.</summary>
    public CausalLmFeaturizer Featurizer { get; }

    /// <summary>The tokenizer.</summary>
    public Tokenizer Tokenizer => Featurizer.Tokenizer;

    /// <summary>The LoRA adapter (method Lora), else null.</summary>
    public LoraAdapter? Lora => _task.Lora;

    /// <summary>The model's weights: everything (full), or the frozen base that <see cref="Lora"/> adapts.</summary>
    public TransformerParameters Parameters
    {
        get
        {
            _task.SyncValues();
            return _task.Parameters;
        }
    }

    /// <summary>Trainable parameters (the whole model, or the adapter).</summary>
    public long TrainableParameterCount => Lora?.ParameterCount ?? _task.Parameters.Set.Layout.TrainableLength;

    /// <summary>
    /// The weights as one plain model: a copy with the LoRA update folded in (the adapter itself stays unmerged), or, for full
    /// fine-tuning, the weights themselves. Generation and evaluation run on these.
    /// </summary>
    public TransformerParameters MergedParameters()
    {
        var parameters = Parameters;
        if (Lora is not { } lora) return parameters;
        var merged = TransformerParameters.Create(_config, new HashSet<KeyGroup> { KeyGroup.Encoder });
        merged.Set.CopyValuesFrom(parameters.Set);
        lora.MergeInto(merged.Set);
        return merged;
    }

    /// <summary>
    /// Saves a Hugging Face folder: config.json (the starting model's, dropout included), model.safetensors with the LoRA update
    /// merged, the tokenizer files, llmmlnet-task.json, and for LoRA the adapter alone in adapter/ (PEFT's CAUSAL_LM layout, to apply
    /// over the starting model). Files are written atomically, the manifest last.
    /// </summary>
    /// <param name="directory">The folder (created if needed).</param>
    /// <param name="baseModelNameOrPath">Recorded as the starting model, or null.</param>
    public void Save(string directory, string? baseModelNameOrPath = null)
    {
        var manifest = new TaskModelManifest(TaskName, TaskModelManifest.MethodName(Options.Method), Featurizer.MaxLength, baseModelNameOrPath);
        var merged = MergedParameters();
        var toSave = TransformerParameters.Create(_config, new HashSet<KeyGroup> { KeyGroup.Encoder });
        toSave.Set.CopyValuesFrom(merged.Set);
        TaskModelFiles.Save(directory, toSave, Tokenizer, manifest,
            Lora is { } lora ? folder => PeftLoraFormat.Save(lora, folder, baseModelNameOrPath, "CAUSAL_LM") : null);
    }
}
