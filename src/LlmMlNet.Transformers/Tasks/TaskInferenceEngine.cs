// The seam through which a task (TextClassifier, QuestionAnswering) runs its inference forward pass on another engine
// (or TextEmbedder) than ours, e.g. ONNX Runtime (LlmMlNet.Onnx's OnnxRuntimeEngine), without this library depending on it: the task
// hands the engine what defines its model (weights, head, adapters, feature head) once and then runs batches.
// Null engine (the default everywhere) means our own engine. Not an engine itself.
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>What defines a task model's inference: the weights, the head and how adapters and a feature head apply.</summary>
/// <param name="Parameters">The model's parameters (current values).</param>
/// <param name="Head">The head whose outputs the task reads (classification, qa, or none for pooled embeddings).</param>
/// <param name="Lora">A LoRA adapter not merged into <paramref name="Parameters"/>, or null.</param>
/// <param name="Bottleneck">Bottleneck adapters, or null.</param>
/// <param name="FeatureHead">Feature extraction: the softmax regression on pooled features, or null.</param>
/// <param name="Pooling">Feature extraction's (or the embeddings') pooling.</param>
/// <param name="NormalizeEmbeddings">Feature extraction's (or the embeddings') L2 normalisation.</param>
public sealed record TaskInferenceModel(TransformerParameters Parameters, HeadKind Head, LoraAdapter? Lora, BottleneckAdapter? Bottleneck,
    SoftmaxRegression? FeatureHead, PoolingMode Pooling, bool NormalizeEmbeddings);

/// <summary>An inference engine a task can run on instead of ours.</summary>
public interface ITaskInferenceEngine
{
    /// <summary>The engine's name (for messages and benchmarks).</summary>
    string Name { get; }

    /// <summary>Prepares <paramref name="model"/> for inference (e.g. exports it and opens a session).</summary>
    ITaskInferenceSession Open(TaskInferenceModel model);
}

/// <summary>A model opened by an <see cref="ITaskInferenceEngine"/>.</summary>
public interface ITaskInferenceSession : IDisposable
{
    /// <summary>
    /// Runs one batch; returns the outputs by Optimum's names, flat row-major: classification <c>probabilities</c> [B, K]
    /// (softmax of <c>logits</c>), QA <c>start_logits</c> and <c>end_logits</c> [B, T], embeddings (head none)
    /// <c>sentence_embedding</c> [B, C] pooled as the model's Pooling and NormalizeEmbeddings say.
    /// </summary>
    IReadOnlyDictionary<string, float[]> Run(ModelBatch batch);
}
