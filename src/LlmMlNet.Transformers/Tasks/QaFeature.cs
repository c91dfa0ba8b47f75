// One model input window of an extractive-QA example, as Hugging Face's run_qa.py builds it: ids,
// token types and mask padded to the max length, the answer's start/end token labels (the CLS index
// when the window does not hold it), and the context offsets used to map predictions back. Plain data.
namespace LlmMlNet.Transformers.Tasks;

/// <summary>A tokenized window of a question and part of its context.</summary>
/// <param name="ExampleIndex">Index of the example in the featurized list.</param>
/// <param name="ExampleId">The example's id.</param>
/// <param name="InputIds">Token ids, padded to the featurizer's max length.</param>
/// <param name="TypeIds">Token type ids (0 question, 1 context).</param>
/// <param name="AttentionMask">1 for real tokens, 0 for padding.</param>
/// <param name="ContextOffsets">Per token, [start, end) in the context for context tokens; null for question, special and padding tokens.</param>
/// <param name="ClsIndex">The index that stands for "no answer in this window" (the CLS token, else 0).</param>
/// <param name="StartPosition">Label: the answer's first token, or <paramref name="ClsIndex"/>.</param>
/// <param name="EndPosition">Label: the answer's last token, or <paramref name="ClsIndex"/>.</param>
public sealed record QaFeature(int ExampleIndex, string ExampleId, int[] InputIds, int[] TypeIds, int[] AttentionMask,
    (int Start, int End)?[] ContextOffsets, int ClsIndex, int StartPosition, int EndPosition)
{
    /// <summary>Number of tokens (the padded length).</summary>
    public int Length => InputIds.Length;

    /// <summary>True when the answer lies in this window.</summary>
    public bool HasAnswer => StartPosition != ClsIndex || EndPosition != ClsIndex;
}
