// Pre-training end to end: a model from a size preset and a tokenizer (from scratch) or from a
// Hugging Face folder (continued pre-training / domain adaptation), a streamed corpus packed into
// blocks, MLM or CLM through the Trainer with perplexity evaluation, and the result saved as a
// Hugging Face checkpoint (config + safetensors + tokenizer files). Not a CLI: commands call this.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Training;

/// <summary>Masked- and causal-LM pre-training of the library's transformer models.</summary>
public static class Pretraining
{
    /// <summary>
    /// Fresh parameters of a size preset (tiny, mini, small, medium, base) whose vocabulary and special
    /// ids come from <paramref name="tokenizer"/>; with the masked-LM head unless the family is GPT-2.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown preset (the message lists the valid ones).</exception>
    public static TransformerParameters FromScratch(string preset, ModelFamily family, Tokenizer tokenizer, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var config = SizePresets.Create(preset, family, tokenizer.VocabularySize);
        config = family == ModelFamily.Gpt2
            ? config with { BosTokenId = tokenizer.BosTokenId ?? tokenizer.EosTokenId, EosTokenId = tokenizer.EosTokenId }
            : config with { PadTokenId = tokenizer.PadTokenId ?? config.PadTokenId };
        return TransformerParameters.Create(config.Validate($"preset {preset}"), Groups(family), seed);
    }

    /// <summary>
    /// Parameters loaded from a Hugging Face folder for continued pre-training; a masked-LM head the
    /// checkpoint lacks is freshly initialised (listed in <paramref name="report"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">Bad config or weights (see <see cref="TransformerParameters.FromPretrained"/>).</exception>
    public static TransformerParameters FromCheckpoint(string directory, out CheckpointLoadReport report, ulong seed = 0)
    {
        var config = TransformerConfigReader.Read(Path.Combine(directory, CheckpointFolder.ConfigFileName));
        return TransformerParameters.FromPretrained(directory, Groups(config.Family), out report, seed);
    }

    /// <summary>
    /// The trainable objective over <paramref name="parameters"/>: a body sized for
    /// maxBatch × maxSequence and the row-wise LM head of <paramref name="objective"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Masked LM was asked of parameters without the MaskedLm group.</exception>
    public static LanguageModelObjective CreateObjective(TransformerParameters parameters, PretrainingObjective objective, int maxBatch, int maxSequence)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var model = new TransformerModel(parameters, maxBatch, maxSequence, seed: 0);
        IVocabularyHead head = objective == PretrainingObjective.MaskedLm ? new MaskedLmRowHead(model) : new CausalLmRowHead(model);
        model.Commit();
        return new LanguageModelObjective(new TransformerSequenceEncoder(model), head);
    }

    /// <summary>The collator of <paramref name="objective"/> for <paramref name="tokenizer"/>'s special tokens.</summary>
    /// <exception cref="InvalidOperationException">Masked LM with a tokenizer that has no mask token.</exception>
    public static IBatchCollator<TokenBlock, LanguageModelBatch> CreateCollator(PretrainingObjective objective, Tokenizer tokenizer, MaskingOptions masking)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        int pad = tokenizer.PadTokenId ?? tokenizer.EosTokenId ?? 0;
        if (objective == PretrainingObjective.CausalLm) return new CausalLanguageModelCollator(pad);
        int mask = tokenizer.MaskTokenId ?? throw new InvalidOperationException("Masked-LM pre-training needs a tokenizer with a mask token.");
        int?[] special = [tokenizer.PadTokenId, tokenizer.ClsTokenId, tokenizer.SepTokenId, tokenizer.BosTokenId, tokenizer.EosTokenId, tokenizer.UnkTokenId];
        var masker = new MlmMasking(masking, mask, tokenizer.VocabularySize, special.Where(s => s.HasValue).Select(s => s!.Value));
        return new MaskedLanguageModelCollator(masker, pad);
    }

    /// <summary>
    /// Pre-trains <paramref name="parameters"/> on <paramref name="corpus"/>, streamed and packed into
    /// blocks of <c>BlockSize</c>. When <paramref name="validation"/> is given, the evaluation reports
    /// "eval_loss" and "perplexity" (masks fixed by the seed so evaluations compare).
    /// </summary>
    /// <param name="parameters">From <see cref="FromScratch"/> or <see cref="FromCheckpoint"/>.</param>
    /// <param name="tokenizer">The tokenizer the vocabulary belongs to.</param>
    /// <param name="corpus">Training lines, e.g. a <see cref="TextCorpusReader"/> (re-enumerated each epoch).</param>
    /// <param name="options">Objective, block size, masking and loop options.</param>
    /// <param name="validation">Held-out lines, or null.</param>
    /// <param name="resumeFrom">A trainer checkpoint to resume, or null.</param>
    /// <param name="progress">Per-step progress.</param>
    /// <param name="cancellationToken">Cancels between micro-batches.</param>
    /// <exception cref="ArgumentException">The block size exceeds the model's positions, or the vocabularies differ.</exception>
    public static TrainingResult Train(TransformerParameters parameters, Tokenizer tokenizer, IEnumerable<CorpusLine> corpus, PretrainingOptions options,
        IEnumerable<CorpusLine>? validation = null, string? resumeFrom = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = parameters.Config;
        if (tokenizer.VocabularySize > config.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabularySize} tokens but the model's vocabulary is {config.VocabSize}.", nameof(tokenizer));
        int positions = config.MaxPositions - config.PositionOffset;
        if (options.BlockSize > positions)
            throw new ArgumentException($"PretrainingOptions.BlockSize {options.BlockSize} exceeds the model's {positions} positions.", nameof(options));
        var objectiveKind = options.Objective ?? (config.Family == ModelFamily.Gpt2 ? PretrainingObjective.CausalLm : PretrainingObjective.MaskedLm);
        var trained = options.Dropout is { } dropout ? parameters.WithDropout(dropout) : parameters;
        var objective = CreateObjective(trained, objectiveKind, options.Trainer.BatchSize, options.BlockSize);
        var collator = CreateCollator(objectiveKind, tokenizer, options.Masking);
        IEnumerable<TokenBlock> Blocks(IEnumerable<CorpusLine> lines) => options.LineByLine
            ? BlockPacker.PackLines(lines, tokenizer, options.BlockSize)
            : BlockPacker.Pack(lines, tokenizer, options.BlockSize);
        TrainingEvaluator? evaluate = null;
        if (validation is not null)
        {
            var batches = Blocks(validation).Chunk(options.Trainer.BatchSize)
                .Select((chunk, i) => collator.Collate(chunk, new BatchContext(0, i, i, options.Trainer.Seed)));
            evaluate = LossEvaluation.For(objective, batches);
        }
        return new Trainer(options.Trainer).Train(objective, Blocks(corpus), collator,
            evaluate, resumeFrom, progress, cancellationToken);
    }

    /// <summary>
    /// Saves <paramref name="parameters"/> as a Hugging Face checkpoint (config.json, model.safetensors
    /// and the tokenizer files) that <see cref="TransformerParameters.FromPretrained"/> and Python's
    /// <c>from_pretrained</c> read. Each file is written atomically.
    /// </summary>
    public static IReadOnlyList<string> Save(TransformerParameters parameters, Tokenizer tokenizer, string directory)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var keys = parameters.Save(directory);
        tokenizer.Save(directory);
        return keys;
    }

    private static HashSet<KeyGroup> Groups(ModelFamily family)
        => family == ModelFamily.Gpt2 ? [KeyGroup.Encoder] : [KeyGroup.Encoder, KeyGroup.MaskedLm];
}
