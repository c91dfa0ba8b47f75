// The options of the extractive QA trainer in Microsoft.ML.TorchSharp's column convention (Context, Question,
// TrainingAnswer, AnswerIndex in; Answer, Score out; top 3) plus a local model path, the fine-tuning method, the
// window length and stride. Plain settings with documented defaults.
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.ML.QuestionAnswering;

/// <summary>Options of <see cref="LlmQuestionAnsweringTrainer"/>.</summary>
public sealed class LlmQuestionAnsweringOptions
{
    /// <summary>The default values.</summary>
    public static class Defaults
    {
        /// <summary>"Context".</summary>
        public const string ContextColumnName = "Context";

        /// <summary>"Question".</summary>
        public const string QuestionColumnName = "Question";

        /// <summary>"TrainingAnswer".</summary>
        public const string TrainingAnswerColumnName = "TrainingAnswer";

        /// <summary>"AnswerIndex": Int32 character offset of the answer in the context.</summary>
        public const string AnswerIndexColumnName = "AnswerIndex";

        /// <summary>"Answer": Vector&lt;String&gt; of the top-K answers.</summary>
        public const string PredictedAnswerColumnName = "Answer";

        /// <summary>"Score": Vector&lt;Single&gt; of their scores (start + end logits).</summary>
        public const string ScoreColumnName = "Score";

        /// <summary>Answers per row: 3.</summary>
        public const int TopK = 3;

        /// <summary>Windows per step and per inference pass: <see cref="TaskModelOptions.Defaults.BatchSize"/> (8).</summary>
        public const int BatchSize = TaskModelOptions.Defaults.BatchSize;

        /// <summary>Passes over the data: <see cref="TaskModelOptions.Defaults.Epochs"/> (3).</summary>
        public const int MaxEpochs = TaskModelOptions.Defaults.Epochs;

        /// <summary>Tokens per window: <see cref="TaskModelOptions.Defaults.MaxLength"/> (128).</summary>
        public const int MaxSequenceLength = TaskModelOptions.Defaults.MaxLength;

        /// <summary>LoRA rank: <see cref="TaskModelOptions.Defaults.LoraRank"/> (8).</summary>
        public const int LoraRank = TaskModelOptions.Defaults.LoraRank;

        /// <summary>LoRA alpha: <see cref="TaskModelOptions.Defaults.LoraAlpha"/> (16).</summary>
        public const float LoraAlpha = TaskModelOptions.Defaults.LoraAlpha;

        /// <summary>Seed: <see cref="TaskModelOptions.Defaults.Seed"/> (42).</summary>
        public const int Seed = (int)TaskModelOptions.Defaults.Seed;
    }

    /// <summary>A local Hugging Face checkpoint folder with its tokenizer files (required; never downloaded).</summary>
    public string? ModelPath;

    /// <summary>A size preset (tiny, mini, small, medium, base) to train from scratch when <see cref="ModelPath"/> is null; needs <see cref="TokenizerPath"/>.</summary>
    public string? Preset;

    /// <summary>The family of a preset model. Default Bert.</summary>
    public LlmMlNet.Transformers.Checkpoints.ModelFamily Family = LlmMlNet.Transformers.Checkpoints.ModelFamily.Bert;

    /// <summary>A tokenizer.json or tokenizer folder; null (default) uses the files in <see cref="ModelPath"/>.</summary>
    public string? TokenizerPath;

    /// <summary>Full (default), Lora, Adapter, or FeatureExtraction (the body stays frozen; only the span head trains on its token states).</summary>
    public FineTuningMethod Method = FineTuningMethod.Full;

    /// <summary>LoRA rank. Default 8.</summary>
    public int LoraRank = Defaults.LoraRank;

    /// <summary>LoRA alpha. Default 8.</summary>
    public float LoraAlpha = Defaults.LoraAlpha;

    /// <summary>The context column. Default "Context".</summary>
    public string ContextColumnName = Defaults.ContextColumnName;

    /// <summary>The question column. Default "Question".</summary>
    public string QuestionColumnName = Defaults.QuestionColumnName;

    /// <summary>The answer text column (training only). Default "TrainingAnswer".</summary>
    public string TrainingAnswerColumnName = Defaults.TrainingAnswerColumnName;

    /// <summary>The answer's character start in the context (Int32, training only). Default "AnswerIndex".</summary>
    public string AnswerIndexColumnName = Defaults.AnswerIndexColumnName;

    /// <summary>The predicted answers column. Default "Answer".</summary>
    public string PredictedAnswerColumnName = Defaults.PredictedAnswerColumnName;

    /// <summary>The scores column. Default "Score".</summary>
    public string ScoreColumnName = Defaults.ScoreColumnName;

    /// <summary>Answers per row. Default 3.</summary>
    public int TopK = Defaults.TopK;

    /// <summary>
    /// The engine the fitted transformer predicts with: <see cref="Onnx.LlmInferenceEngine.Ours"/> (default) or OnnxRuntime (the model
    /// exported to ONNX in memory). Training always runs on ours; a saved pipeline loads on ours (see <c>mlContext.Model.UseInferenceEngine</c>).
    /// </summary>
    public Onnx.LlmInferenceEngine InferenceEngine = Onnx.LlmInferenceEngine.Ours;

    /// <summary>Windows per step and per inference pass. Default 8.</summary>
    public int BatchSize = Defaults.BatchSize;

    /// <summary>Passes over the data. Default 3.</summary>
    public int MaxEpochs = Defaults.MaxEpochs;

    /// <summary>Stop after this many steps; null (default) runs every epoch.</summary>
    public int? MaxSteps;

    /// <summary>
    /// Peak learning rate (linear warm-up over <see cref="TaskModelOptions.Defaults.WarmupRatio"/> of the steps, linear decay). Default null:
    /// the method's rate, <see cref="TaskModelOptions.Defaults.LearningRate"/>, as the CLI uses.
    /// </summary>
    public float? LearningRate;

    /// <summary>Tokens per window (question + context + special tokens). Default 128.</summary>
    public int MaxSequenceLength = Defaults.MaxSequenceLength;

    /// <summary>Context tokens shared by consecutive windows (capped at half a window). Default null: <see cref="TaskModelOptions.Defaults.QaStride"/>, a quarter window.</summary>
    public int? Stride;

    /// <summary>Seed. Default 42.</summary>
    public int Seed = Defaults.Seed;

    /// <summary>
    /// Rows with the training columns whose mean span loss (eval_loss) is evaluated during training, in
    /// <see cref="LlmQuestionAnsweringTransformer.TrainingResult"/>'s History; the fitted model is the best evaluated one. Null (default) for none.
    /// </summary>
    public Microsoft.ML.IDataView? ValidationSet;

    /// <summary>Evaluate <see cref="ValidationSet"/> every N optimizer steps (and after the last); null (default) once per epoch.</summary>
    public int? EvaluateEverySteps;

    /// <summary>Stop after this many evaluations of <see cref="ValidationSet"/> without a lower eval_loss; null (default) never stops early.</summary>
    public int? EarlyStoppingPatience;
}
