// Supervised fine-tuning and DPO of a causal LM (GPT-2 family) behind one API, as TRL's SFTTrainer and
// DPOTrainer: full or LoRA, from a checkpoint, parameters in memory or a fresh preset; SFT's loss on responses
// only through LanguageModelObjective, DPO's against a frozen reference (a copy, or with LoRA the adapter
// switched off). Composition only: objectives live in Training, tokenization in CausalLmFeaturizer.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks.Generative;

/// <summary>SFT and DPO trainers.</summary>
public static class CausalLmTuning
{
    /// <summary>
    /// Supervised fine-tuning: the loss covers the response tokens (or the assistant turns of a chat) and the appended EOS; prompt
    /// tokens carry the ignore index. With <see cref="SftOptions.Packing"/> examples are packed into full blocks.
    /// </summary>
    /// <param name="source">The starting model (GPT-2 family).</param>
    /// <param name="tokenizer">Its tokenizer (must have an EOS token).</param>
    /// <param name="train">Examples, re-enumerated each epoch (may stream from a file).</param>
    /// <param name="options">Settings; null uses <see cref="SftOptions"/>' defaults.</param>
    /// <param name="validation">Examples whose response loss ("eval_loss", "perplexity") the trainer evaluates every <c>EvaluateEverySteps</c>.</param>
    /// <param name="template">How chats are rendered; null reads the source folder's template (ChatML when it has none).</param>
    /// <param name="progress">Per-step progress.</param>
    /// <param name="cancellationToken">Cancels between micro-batches.</param>
    /// <param name="resumeFrom">A trainer checkpoint of an earlier run with the same source, data and options, or null.</param>
    /// <exception cref="ArgumentException">Not a causal LM, no EOS token, or invalid options.</exception>
    /// <exception cref="NotSupportedException">The source folder's chat template is not one we render (naming the file).</exception>
    public static CausalLanguageModel Sft(ModelSource source, Tokenizer tokenizer, IEnumerable<SftExample> train, SftOptions? options = null,
        IEnumerable<SftExample>? validation = null, ChatTemplate? template = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default, string? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        var o = (SftOptions)(options ?? new SftOptions()).Validate();
        var (config, featurizer) = Prepare(source, tokenizer, o, template, dropoutOff: false);
        int rows = o.Trainer.BatchSize;
        var task = TaskModel.Build(source, config, null, false, TaskOptions(o), rows, featurizer.MaxLength);
        var objective = new LanguageModelObjective(new CausalLmBody(task), new CausalLmRowHead(task.Model));
        var collator = new SupervisedCollator(PadId(tokenizer));
        IEnumerable<SupervisedSequence> Sequences(IEnumerable<SftExample> examples)
        {
            var mapped = CountedSequence<SupervisedSequence>.Map(examples, featurizer.Featurize);
            return o.Packing ? SupervisedSequence.Pack(mapped, featurizer.MaxLength) : mapped;
        }
        TrainingEvaluator? evaluate = null;
        if (validation is not null)
            evaluate = LossEvaluation.For(objective, Sequences(validation).Chunk(rows).Select((c, i) => collator.Collate(c, new BatchContext(0, i, i, o.Trainer.Seed))));
        var result = new Trainer(o.Trainer).Train(objective, Sequences(train), collator, evaluate, resumeFrom, progress, cancellationToken);
        task.SyncValues();
        return new CausalLanguageModel(task, source.Config, featurizer, o, result, []);
    }

    /// <summary>
    /// Direct Preference Optimization: per pair, loss = −log σ(β[(log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) − log π_ref(y_l|x))]),
    /// log π summed over the response tokens and EOS. The reference is the starting model, frozen: a copy of its weights for full
    /// fine-tuning, the same weights with the adapter switched off for LoRA. <see cref="CausalLanguageModel.PreferenceHistory"/> keeps
    /// TRL's metrics per step.
    /// </summary>
    /// <param name="source">The starting model (usually after SFT).</param>
    /// <param name="tokenizer">Its tokenizer (must have an EOS token).</param>
    /// <param name="train">Pairs, re-enumerated each epoch.</param>
    /// <param name="options">Settings; null uses <see cref="DpoOptions"/>' defaults.</param>
    /// <param name="validation">Pairs evaluated every <c>EvaluateEverySteps</c>: "eval_loss" and "eval_" + TRL's metric names.</param>
    /// <param name="progress">Per-step progress.</param>
    /// <param name="cancellationToken">Cancels between micro-batches.</param>
    /// <param name="resumeFrom">A trainer checkpoint of an earlier run, or null.</param>
    /// <exception cref="ArgumentException">Not a causal LM, no EOS token, or invalid options.</exception>
    public static CausalLanguageModel Dpo(ModelSource source, Tokenizer tokenizer, IEnumerable<PreferenceExample> train, DpoOptions? options = null,
        IEnumerable<PreferenceExample>? validation = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default, string? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        var o = (DpoOptions)(options ?? new DpoOptions()).Validate();
        var (config, featurizer) = Prepare(source, tokenizer, o, ChatTemplate.ChatMl, o.DisableDropout);
        int rows = 2 * o.Trainer.BatchSize;
        var task = TaskModel.Build(source, config, null, false, TaskOptions(o), rows, featurizer.MaxLength);
        var objective = CreateDpoObjective(task, o.Beta, rows, featurizer.MaxLength);
        var collator = new PreferenceCollator(PadId(tokenizer));
        IEnumerable<PreferencePair> Pairs(IEnumerable<PreferenceExample> examples) => CountedSequence<PreferencePair>.Map(examples, featurizer.Featurize);
        TrainingEvaluator? evaluate = null;
        if (validation is not null)
            evaluate = token => EvaluationTable(CausalLmEvaluation.Run(objective,
                Pairs(validation).Chunk(o.Trainer.BatchSize).Select(c => collator.Collate(c, default)), token));
        var history = new List<PreferenceMetrics>();
        var recording = new Progress(objective, history, progress);
        var result = new Trainer(o.Trainer).Train(objective, Pairs(train), collator, evaluate, resumeFrom, recording, cancellationToken);
        task.SyncValues();
        return new CausalLanguageModel(task, source.Config, featurizer, o, result, history);
    }

    /// <summary>The DPO objective over a task model: its policy and its reference (copy or disabled adapter).</summary>
    internal static DpoObjective CreateDpoObjective(TaskModel task, float beta, int maxRows, int maxLength)
    {
        var head = new CausalLmRowHead(task.Model);
        var body = new CausalLmBody(task);
        IReferenceScorer reference = task.Lora is { } lora
            ? new DisabledAdapterReference(new SequenceLogProbs(body, head), lora)
            : new FrozenCopyReference(task.Parameters, maxRows, maxLength);
        return new DpoObjective(new SequenceLogProbs(body, head), reference, beta);
    }

    private static (TransformerConfig Config, CausalLmFeaturizer Featurizer) Prepare(ModelSource source, Tokenizer tokenizer, GenerativeTuningOptions o,
        ChatTemplate? template, bool dropoutOff)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var config = source.Config;
        if (config.Family != ModelFamily.Gpt2)
            throw new ArgumentException($"SFT and DPO train causal language models (GPT-2 family); the source is {config.Family}.", nameof(source));
        if (tokenizer.VocabularySize > config.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabularySize} tokens but the model's vocabulary is {config.VocabSize}.", nameof(tokenizer));
        int maxLength = Math.Min(o.MaxLength, config.MaxPositions - config.PositionOffset);
        int? maxPrompt = o.MaxPromptLength is { } p ? Math.Min(p, maxLength - 1) : null;
        var featurizer = new CausalLmFeaturizer(tokenizer, template ?? ChatTemplate.FromFolder(source.Directory), maxLength, maxPrompt);
        if (dropoutOff) config = config with { HiddenDropout = 0, AttentionDropout = 0, EmbeddingDropout = 0 };
        return (config, featurizer);
    }

    private static TaskModelOptions TaskOptions(GenerativeTuningOptions o) =>
        new() { Method = o.Method, Lora = o.Lora, MaxLength = Math.Max(4, o.MaxLength), Trainer = o.Trainer };

    internal static int PadId(Tokenizer tokenizer) => tokenizer.PadTokenId ?? tokenizer.EosTokenId ?? 0;

    private static IReadOnlyDictionary<string, double> EvaluationTable(PreferenceMetrics metrics)
    {
        var table = metrics.ToTable().ToDictionary(kv => kv.Key == "loss" ? LossEvaluation.LossMetric : "eval_" + kv.Key, kv => kv.Value);
        return table;
    }

    // Appends the objective's metrics of each optimizer step to the history before passing the snapshot on.
    private sealed class Progress(DpoObjective objective, List<PreferenceMetrics> history, IProgress<TrainingProgress>? inner) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (objective.TakeMetrics() is { } metrics) history.Add(metrics);
            inner?.Report(value);
        }
    }
}
