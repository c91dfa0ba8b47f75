// The inference engine of our ML.NET transformers, chosen in the trainers' options (InferenceEngine) or on a fitted or
// loaded pipeline (mlContext.Model.UseInferenceEngine): ours, or ONNX Runtime, which gets the model exported in memory.
// The choice is the task's (TextClassifier / QuestionAnswering.InferenceEngine), so the CLI's predict --engine is the
// same switch. It is a runtime setting: saved pipelines load on ours. Not an engine itself.
using LlmMlNet.ML.Classification;
using LlmMlNet.ML.QuestionAnswering;
using LlmMlNet.Onnx.Runtime;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;

namespace LlmMlNet.ML.Onnx;

/// <summary>Which engine runs a fitted transformer's forward passes.</summary>
public enum LlmInferenceEngine
{
    /// <summary>Our engine (the default).</summary>
    Ours,

    /// <summary>ONNX Runtime on the CPU (the model exported to ONNX in memory, once).</summary>
    OnnxRuntime,
}

/// <summary>Engine selection on <see cref="ModelOperationsCatalog"/> (<c>mlContext.Model</c>).</summary>
public static class LlmInferenceEngines
{
    /// <summary>The task-level engine of <paramref name="engine"/>: null for ours.</summary>
    public static ITaskInferenceEngine? ToTaskEngine(this LlmInferenceEngine engine) =>
        engine == LlmInferenceEngine.OnnxRuntime ? OnnxRuntimeEngine.Default : null;

    /// <summary>
    /// Runs every LlmMlNet text classifier, QA model and embedding transform of <paramref name="model"/> (alone or in a chain) on
    /// <paramref name="engine"/> from now on; returns how many it switched.
    /// </summary>
    /// <param name="catalog">The model operations catalog.</param>
    /// <param name="model">A fitted or loaded pipeline.</param>
    /// <param name="engine">The engine.</param>
    public static int UseInferenceEngine(this ModelOperationsCatalog catalog, ITransformer model, LlmInferenceEngine engine)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        var switched = 0;
        foreach (var transformer in Flatten(model))
        {
            if (transformer is LlmTextClassificationTransformer classifier) classifier.Classifier.InferenceEngine = engine.ToTaskEngine();
            else if (transformer is LlmQuestionAnsweringTransformer qa) qa.Model.InferenceEngine = engine.ToTaskEngine();
            else if (transformer is Embeddings.TransformerEmbeddingTransformer embeddings) embeddings.Embedder.InferenceEngine = engine.ToTaskEngine();
            else continue;
            switched++;
        }
        return switched;
    }

    internal static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];
}
