// BERT's dynamic masking, deterministic by (seed, micro-batch): every position (or word, with
// whole-word masking) draws from CounterRng keyed by its index, so the same batch of the same run
// is masked the same way on any thread count and after a resume, and each epoch masks anew.
// Never selects special tokens or padding. Not the collator's padding or stacking.
using LlmMlNet.Tensors;

namespace LlmMlNet.Transformers.Training;

/// <summary>Applies 80/10/10 masking to one row of token ids.</summary>
public sealed class MlmMasking
{
    private const ulong RowStream = 0x3A5C0000UL, SelectStream = 0x3A5C0001UL, ActionStream = 0x3A5C0002UL, RandomStream = 0x3A5C0003UL;
    private readonly HashSet<int> _special;

    /// <summary>Creates a masker.</summary>
    /// <param name="options">Probabilities.</param>
    /// <param name="maskTokenId">The [MASK] id.</param>
    /// <param name="vocabularySize">Random replacements are drawn from [0, vocabularySize), as Hugging Face does.</param>
    /// <param name="specialTokenIds">Ids never selected ([CLS], [SEP], [PAD], ...).</param>
    /// <exception cref="ArgumentException">A bad option, a mask id outside the vocabulary, or a non-positive vocabulary.</exception>
    public MlmMasking(MaskingOptions options, int maskTokenId, int vocabularySize, IEnumerable<int> specialTokenIds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(specialTokenIds);
        if (vocabularySize <= 0) throw new ArgumentException($"vocabularySize must be positive, got {vocabularySize}.", nameof(vocabularySize));
        if ((uint)maskTokenId >= (uint)vocabularySize)
            throw new ArgumentException($"maskTokenId {maskTokenId} is outside the vocabulary of {vocabularySize}.", nameof(maskTokenId));
        Options = options.Validate();
        MaskTokenId = maskTokenId;
        VocabularySize = vocabularySize;
        _special = [.. specialTokenIds, maskTokenId];
    }

    /// <summary>The options.</summary>
    public MaskingOptions Options { get; }

    /// <summary>The [MASK] id.</summary>
    public int MaskTokenId { get; }

    /// <summary>Vocabulary size for random replacements.</summary>
    public int VocabularySize { get; }

    /// <summary>
    /// Masks <paramref name="ids"/> in place and writes <paramref name="targets"/>: the original id at
    /// selected positions, -100 elsewhere. Positions with <paramref name="attentionMask"/> 0 and special
    /// ids are never selected. <paramref name="key"/> (e.g. the hash of seed and micro-batch) and
    /// <paramref name="row"/> fix the draws.
    /// </summary>
    /// <exception cref="ArgumentException">Spans of different lengths.</exception>
    public void Apply(Span<int> ids, ReadOnlySpan<int> attentionMask, ReadOnlySpan<bool> continuesWord, Span<int> targets, ulong key, int row)
    {
        if (attentionMask.Length != ids.Length || targets.Length != ids.Length || (!continuesWord.IsEmpty && continuesWord.Length != ids.Length))
            throw new ArgumentException("ids, attentionMask, targets (and continuesWord when given) must have one entry per token.", nameof(ids));
        bool wholeWords = Options.WholeWordMasking && !continuesWord.IsEmpty;
        ulong rowKey = CounterRng.Hash(key, (ulong)row, RowStream);
        bool selected = false;
        for (int i = 0; i < ids.Length; i++)
        {
            targets[i] = LanguageModelBatch.IgnoreTarget;
            bool eligible = attentionMask[i] != 0 && !_special.Contains(ids[i]);
            if (!eligible) { selected = false; continue; }
            // A word's first piece draws for the whole word; pieces that continue it inherit the draw.
            bool continues = wholeWords && continuesWord[i] && i > 0;
            if (!continues)
                selected = CounterRng.UniformDouble(rowKey, SelectStream, (ulong)i) < Options.MaskProbability;
            if (!selected) continue;
            targets[i] = ids[i];
            double action = CounterRng.UniformDouble(rowKey, ActionStream, (ulong)i);
            if (action < Options.MaskTokenShare) ids[i] = MaskTokenId;
            else if (action < Options.MaskTokenShare + Options.RandomTokenShare)
                ids[i] = (int)(CounterRng.Hash(rowKey, RandomStream, (ulong)i) % (ulong)VocabularySize);
        }
    }
}
