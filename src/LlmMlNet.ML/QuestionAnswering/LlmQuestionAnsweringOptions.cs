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

        /// <summary>Windows per step and per inference pass: 4 (TorchSharp's catalog default).</summary>
        public const int BatchSize = 4;

        /// <summary>Passes over the data: 2 (Hugging Face's run_qa).</summary>
        public const int MaxEpochs = 2;

        /// <summary>Peak learning rate: 3e-5 (run_qa).</summary>
        public const float LearningRate = 3e-5f;

        /// <summary>Tokens per window: 384 (run_qa).</summary>
        public const int MaxSequenceLength = 384;

        /// <summary>Context tokens shared by consecutive windows: 128 (run_qa's doc_stride).</summary>
        public const int Stride = 128;
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
    public int LoraRank = 8;

    /// <summary>LoRA alpha. Default 8.</summary>
    public float LoraAlpha = 8f;

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

    /// <summary>Windows per step. Default 4.</summary>
    public int BatchSize = Defaults.BatchSize;

    /// <summary>Passes over the data. Default 2.</summary>
    public int MaxEpochs = Defaults.MaxEpochs;

    /// <summary>Stop after this many steps; null (default) runs every epoch.</summary>
    public int? MaxSteps;

    /// <summary>Peak learning rate. Default 3e-5.</summary>
    public float LearningRate = Defaults.LearningRate;

    /// <summary>Tokens per window (question + context + special tokens). Default 384.</summary>
    public int MaxSequenceLength = Defaults.MaxSequenceLength;

    /// <summary>Context tokens shared by consecutive windows. Default 128 (capped at half a window).</summary>
    public int Stride = Defaults.Stride;

    /// <summary>Seed. Default 42.</summary>
    public int Seed = 42;

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
