// The inference engine a task predicts on and the one session it opened for the task's model, shared by
// TextClassifier, QuestionAnswering and TextEmbedder: setting an engine drops the old session, and the first
// prediction after it opens a new one. Not thread-safe by itself; a task that predicts concurrently locks around it.
namespace LlmMlNet.Transformers.Tasks;

internal sealed class InferenceEngineSlot
{
    private ITaskInferenceSession? _session;

    /// <summary>The engine predictions run on; null is ours.</summary>
    public ITaskInferenceEngine? Engine { get; private set; }

    /// <summary>Replaces the engine, disposing the session the previous one opened.</summary>
    public void Set(ITaskInferenceEngine? engine)
    {
        _session?.Dispose();
        _session = null;
        Engine = engine;
    }

    /// <summary>The session for the task's model, opened by <see cref="Engine"/> (which must be set) on first use.</summary>
    public ITaskInferenceSession Session(Func<TaskInferenceModel> describeModel) => _session ??= Engine!.Open(describeModel());
}
