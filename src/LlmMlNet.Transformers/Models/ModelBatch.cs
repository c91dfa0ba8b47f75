// One batch of token ids as a model consumes it: [batch, seq] ids with optional attention mask,
// token types and explicit position ids, validated against the config before any work. Not a
// tokenizer and not a collator: padding and truncation happen upstream.
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Models;

/// <summary>A rectangular batch of token ids with its masks, row-major [Batch, SequenceLength].</summary>
public sealed record ModelBatch
{
    /// <summary>Creates a batch; arrays are row-major [batch, sequenceLength].</summary>
    /// <param name="batch">Rows.</param>
    /// <param name="sequenceLength">Tokens per row.</param>
    /// <param name="inputIds">Token ids.</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding; null means all real.</param>
    /// <param name="tokenTypeIds">Segment ids (BERT/RoBERTa); null means all 0.</param>
    /// <param name="positionIds">Explicit position ids; null lets the family compute them (see <see cref="PositionIds"/>).</param>
    /// <exception cref="ArgumentException">A length differs from batch × sequenceLength, or a size is not positive.</exception>
    public ModelBatch(int batch, int sequenceLength, int[] inputIds, int[]? attentionMask = null, int[]? tokenTypeIds = null, int[]? positionIds = null)
    {
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}", nameof(batch));
        if (sequenceLength <= 0) throw new ArgumentException($"sequenceLength must be positive, got {sequenceLength}", nameof(sequenceLength));
        var count = batch * sequenceLength;
        Check(inputIds, count, nameof(inputIds));
        if (attentionMask != null) Check(attentionMask, count, nameof(attentionMask));
        if (tokenTypeIds != null) Check(tokenTypeIds, count, nameof(tokenTypeIds));
        if (positionIds != null) Check(positionIds, count, nameof(positionIds));
        Batch = batch;
        SequenceLength = sequenceLength;
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        PositionIds = positionIds;
    }

    /// <summary>Rows.</summary>
    public int Batch { get; }
    /// <summary>Tokens per row.</summary>
    public int SequenceLength { get; }
    /// <summary>Token ids [Batch, SequenceLength].</summary>
    public int[] InputIds { get; }
    /// <summary>1 = attend, 0 = padding; null = all ones.</summary>
    public int[]? AttentionMask { get; }
    /// <summary>Segment ids; null = all zeros.</summary>
    public int[]? TokenTypeIds { get; }
    /// <summary>Explicit position ids, or null.</summary>
    public int[]? PositionIds { get; }

    /// <summary>Tokens in the batch (Batch × SequenceLength).</summary>
    public int TokenCount => Batch * SequenceLength;

    /// <summary>The mask value of (row, position): 1 when no mask was given.</summary>
    public int MaskAt(int row, int position) => AttentionMask?[row * SequenceLength + position] ?? 1;

    /// <summary>Checks ids, token types and positions against <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">An id outside the vocabulary, a token type outside type_vocab_size (GPT-2: the vocabulary), a mask value other than 0/1, or a position beyond the position table; names the row and column.</exception>
    public void Validate(TransformerConfig config, ReadOnlySpan<int> positions)
    {
        // GPT-2 embeds token types with its word embedding (wte), so any token id is a valid type there.
        var typeCount = config.Family == ModelFamily.Gpt2 ? config.VocabSize : Math.Max(config.TypeVocabSize, 1);
        for (var i = 0; i < TokenCount; i++)
        {
            var (row, col) = (i / SequenceLength, i % SequenceLength);
            if ((uint)InputIds[i] >= (uint)config.VocabSize)
                throw new ArgumentException($"input_ids[{row}][{col}] = {InputIds[i]} is outside the vocabulary of {config.VocabSize}", "inputIds");
            if (AttentionMask is { } mask && mask[i] is not (0 or 1))
                throw new ArgumentException($"attention_mask[{row}][{col}] = {mask[i]} must be 0 or 1", "attentionMask");
            if (TokenTypeIds is { } types && (uint)types[i] >= (uint)typeCount)
                throw new ArgumentException($"token_type_ids[{row}][{col}] = {types[i]} is outside the {typeCount} token types", "tokenTypeIds");
            if ((uint)positions[i] >= (uint)config.MaxPositions)
                throw new ArgumentException($"position {positions[i]} at [{row}][{col}] is beyond the {config.MaxPositions} position embeddings", "positionIds");
        }
    }

    private static void Check(int[] values, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != count) throw new ArgumentException($"{name} has {values.Length} values, expected batch × sequence = {count}", name);
    }
}
