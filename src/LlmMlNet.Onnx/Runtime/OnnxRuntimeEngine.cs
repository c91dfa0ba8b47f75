// ONNX Runtime as the inference engine of a task (TextClassifier.InferenceEngine, QuestionAnswering.InferenceEngine,
// and through them the ML.NET transformers and `llmmlnet predict --engine onnxruntime`): the task's model is exported
// in memory (never to disk) and run by one ONNX Runtime session. Not the exporter and not a task.
using LlmMlNet.Onnx.Export;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.Onnx.Runtime;

/// <summary>Runs a task's inference with ONNX Runtime.</summary>
/// <param name="intraOpThreads">ONNX Runtime's intra-op threads; 0 (the default) lets it choose.</param>
/// <param name="provider">Execution provider (default CPU).</param>
public sealed class OnnxRuntimeEngine(int intraOpThreads = 0, OnnxExecutionProvider provider = OnnxExecutionProvider.Cpu) : ITaskInferenceEngine
{
    /// <summary>The CPU engine with ONNX Runtime's default threading.</summary>
    public static OnnxRuntimeEngine Default { get; } = new();

    /// <inheritdoc />
    public string Name => provider == OnnxExecutionProvider.Cpu ? "onnxruntime" : "onnxruntime-cuda";

    /// <inheritdoc />
    public ITaskInferenceSession Open(TaskInferenceModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Session(new OnnxModelRunner(OnnxExporter.ToBytes(model), $"in-memory {OnnxExporter.HeadName(model.Head)} model", intraOpThreads, provider));
    }

    private sealed class Session(OnnxModelRunner runner) : ITaskInferenceSession
    {
        public IReadOnlyDictionary<string, float[]> Run(ModelBatch batch) => runner.Run(batch);

        public void Dispose() => runner.Dispose();
    }
}
