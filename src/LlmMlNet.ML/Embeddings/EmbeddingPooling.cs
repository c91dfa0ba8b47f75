// The pooling choices of feature extraction as ML users see them, mapped onto the Heads' PoolingMode, so a
// pipeline needs no using of the model namespaces. Only the enum and its mapping.
using LlmMlNet.Transformers.Heads;

namespace LlmMlNet.ML.Embeddings;

/// <summary>How the token states of a text are pooled into one embedding vector.</summary>
public enum EmbeddingPooling
{
    /// <summary>The mean of the token states under the attention mask (sentence-transformers' usual choice).</summary>
    Mean,

    /// <summary>The first token's state ([CLS] for BERT, &lt;s&gt; for RoBERTa).</summary>
    Cls,

    /// <summary>BERT's pooler output tanh(dense(h[CLS])); needs pooler weights in the checkpoint.</summary>
    Pooler,
}

internal static class EmbeddingPoolingExtensions
{
    public static PoolingMode ToMode(this EmbeddingPooling pooling) => pooling switch
    {
        EmbeddingPooling.Cls => PoolingMode.Cls,
        EmbeddingPooling.Pooler => PoolingMode.Pooler,
        _ => PoolingMode.Mean,
    };
}
