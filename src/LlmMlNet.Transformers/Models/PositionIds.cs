// Position ids per family, as Hugging Face computes them when none are passed. BERT, DistilBERT and
// GPT-2 count 0..T-1 over the padded row (pads included; GPT-2's forward does this even with left
// padding). RoBERTa counts from padding_idx + 1 over non-pad tokens and gives pads padding_idx.
// FromAttentionMask is what GPT-2's generate() passes instead, for left-padded generation.
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Models;

/// <summary>Position ids for a batch.</summary>
public static class PositionIds
{
    /// <summary>
    /// The batch's explicit position ids when given; otherwise the family's default: RoBERTa
    /// <see cref="Roberta"/>, every other family 0..T-1 in each row.
    /// </summary>
    public static int[] For(TransformerConfig config, ModelBatch batch)
    {
        if (batch.PositionIds is { } explicitIds) return explicitIds;
        return config.Family == ModelFamily.Roberta
            ? Roberta(batch.InputIds, batch.Batch, batch.SequenceLength, config.PadTokenId ?? 1)
            : Sequential(batch.Batch, batch.SequenceLength);
    }

    /// <summary>0..T-1 in every row.</summary>
    public static int[] Sequential(int batch, int sequenceLength)
    {
        var ids = new int[batch * sequenceLength];
        for (var i = 0; i < ids.Length; i++) ids[i] = i % sequenceLength;
        return ids;
    }

    /// <summary>
    /// RoBERTa's <c>create_position_ids_from_input_ids</c>: padding_idx + cumulative count of non-pad
    /// tokens for real tokens, padding_idx for pad tokens (decided by the id, not the attention mask).
    /// </summary>
    public static int[] Roberta(int[] inputIds, int batch, int sequenceLength, int paddingIdx)
    {
        var ids = new int[batch * sequenceLength];
        for (var b = 0; b < batch; b++)
        {
            var count = 0;
            for (var t = 0; t < sequenceLength; t++)
            {
                var i = b * sequenceLength + t;
                if (inputIds[i] != paddingIdx) count++;
                ids[i] = inputIds[i] != paddingIdx ? paddingIdx + count : paddingIdx;
            }
        }
        return ids;
    }

    /// <summary>
    /// GPT-2 generation's positions: cumulative sum of the attention mask minus one, and 1 where the
    /// mask is 0 (<c>position_ids.masked_fill_(attention_mask == 0, 1)</c>), so left-padded rows start at 0.
    /// </summary>
    public static int[] FromAttentionMask(int[] attentionMask, int batch, int sequenceLength)
    {
        var ids = new int[batch * sequenceLength];
        for (var b = 0; b < batch; b++)
        {
            var sum = 0;
            for (var t = 0; t < sequenceLength; t++)
            {
                var i = b * sequenceLength + t;
                sum += attentionMask[i];
                ids[i] = attentionMask[i] == 0 ? 1 : sum - 1;
            }
        }
        return ids;
    }
}
