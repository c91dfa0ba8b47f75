// The four ways to turn a pre-trained model into a task model, as one choice of the task APIs
// (TextClassifier, QuestionAnswering). Names only; TaskModelBuilder does the wiring.
namespace LlmMlNet.Transformers.Tasks;

/// <summary>How a task model is trained from its base model.</summary>
public enum FineTuningMethod
{
    /// <summary>Every weight and the head train.</summary>
    Full,

    /// <summary>The base model is frozen; LoRA matrices and the head train (PEFT).</summary>
    Lora,

    /// <summary>The base model is frozen; Houlsby bottleneck adapters and the head train.</summary>
    Adapter,

    /// <summary>
    /// The base model is frozen. Classification runs it once per example in eval mode and trains a softmax regression on its pooled
    /// embeddings; extractive QA trains only the span head on its token states.
    /// </summary>
    FeatureExtraction,
}
