// The options of the text-classification trainer, in the shape Microsoft.ML.TorchSharp users know (column names,
// batch size, epochs, validation set) plus what they asked for: a local model path, the fine-tuning method with
// LoRA / adapter sizes, the learning rate and the maximum sequence length. Plain settings with documented defaults.
using LlmMlNet.ML.Embeddings;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;

namespace LlmMlNet.ML.Classification;

/// <summary>Options of <see cref="LlmTextClassificationTrainer"/>.</summary>
public sealed class LlmTextClassificationOptions
{
    /// <summary>The default values.</summary>
    public static class Defaults
    {
        /// <summary>"Label": a Key&lt;UInt32&gt; column, usually from MapValueToKey.</summary>
        public const string LabelColumnName = "Label";

        /// <summary>"Sentence1", as Microsoft.ML.TorchSharp's TextClassification.</summary>
        public const string Sentence1ColumnName = "Sentence1";

        /// <summary>"Score": Vector&lt;Single, classes&gt; of softmax probabilities.</summary>
        public const string ScoreColumnName = "Score";

        /// <summary>"PredictedLabel": Key&lt;UInt32, classes&gt; with the label's key values.</summary>
        public const string PredictedLabelColumnName = "PredictedLabel";

        /// <summary>Examples per optimizer step and per inference pass: <see cref="TaskModelOptions.Defaults.BatchSize"/> (8).</summary>
        public const int BatchSize = TaskModelOptions.Defaults.BatchSize;

        /// <summary>Passes over the training data: <see cref="TaskModelOptions.Defaults.Epochs"/> (3).</summary>
        public const int MaxEpochs = TaskModelOptions.Defaults.Epochs;

        /// <summary>Tokens per input, special tokens included: <see cref="TaskModelOptions.Defaults.MaxLength"/> (128).</summary>
        public const int MaxSequenceLength = TaskModelOptions.Defaults.MaxLength;

        /// <summary>LoRA rank: <see cref="TaskModelOptions.Defaults.LoraRank"/> (8).</summary>
        public const int LoraRank = TaskModelOptions.Defaults.LoraRank;

        /// <summary>LoRA alpha: <see cref="TaskModelOptions.Defaults.LoraAlpha"/> (16; scaling alpha/rank).</summary>
        public const float LoraAlpha = TaskModelOptions.Defaults.LoraAlpha;

        /// <summary>Bottleneck adapter width: <see cref="TaskModelOptions.Defaults.AdapterSize"/> (64).</summary>
        public const int AdapterSize = TaskModelOptions.Defaults.AdapterSize;

        /// <summary>Seed of head initialisation, dropout and shuffling: <see cref="TaskModelOptions.Defaults.Seed"/> (42).</summary>
        public const int Seed = (int)TaskModelOptions.Defaults.Seed;
    }

    /// <summary>A local Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer files). Never downloaded.</summary>
    public string? ModelPath;

    /// <summary>A size preset (tiny, mini, small, medium, base) to train from scratch when <see cref="ModelPath"/> is null; needs <see cref="TokenizerPath"/>.</summary>
    public string? Preset;

    /// <summary>The family of a preset model. Default Bert.</summary>
    public ModelFamily Family = ModelFamily.Bert;

    /// <summary>A tokenizer.json or tokenizer folder; null (default) uses the files in <see cref="ModelPath"/>.</summary>
    public string? TokenizerPath;

    /// <summary>How the model is tuned. Default <see cref="FineTuningMethod.Full"/>.</summary>
    public FineTuningMethod Method = FineTuningMethod.Full;

    /// <summary>LoRA rank (method Lora). Default 8.</summary>
    public int LoraRank = Defaults.LoraRank;

    /// <summary>LoRA alpha (method Lora). Default 8.</summary>
    public float LoraAlpha = Defaults.LoraAlpha;

    /// <summary>Bottleneck width (method Adapter). Default 64.</summary>
    public int AdapterSize = Defaults.AdapterSize;

    /// <summary>How token states are pooled for the softmax regression (method FeatureExtraction). Default <see cref="EmbeddingPooling.Cls"/>.</summary>
    public EmbeddingPooling FeatureExtractionPooling = EmbeddingPooling.Cls;

    /// <summary>The label column (Key&lt;UInt32&gt;). Default "Label".</summary>
    public string LabelColumnName = Defaults.LabelColumnName;

    /// <summary>The text column. Default "Sentence1".</summary>
    public string Sentence1ColumnName = Defaults.Sentence1ColumnName;

    /// <summary>An optional second text column (sentence pairs). Default null.</summary>
    public string? Sentence2ColumnName;

    /// <summary>The probability vector column. Default "Score".</summary>
    public string ScoreColumnName = Defaults.ScoreColumnName;

    /// <summary>The predicted key column. Default "PredictedLabel".</summary>
    public string PredictedLabelColumnName = Defaults.PredictedLabelColumnName;

    /// <summary>
    /// The engine the fitted transformer predicts with: <see cref="Onnx.LlmInferenceEngine.Ours"/> (default) or OnnxRuntime (the model
    /// exported to ONNX in memory). Training always runs on ours; a saved pipeline loads on ours (see <c>mlContext.Model.UseInferenceEngine</c>).
    /// </summary>
    public Onnx.LlmInferenceEngine InferenceEngine = Onnx.LlmInferenceEngine.Ours;

    /// <summary>Examples per step and per inference pass. Default 8.</summary>
    public int BatchSize = Defaults.BatchSize;

    /// <summary>Passes over the training data. Default 3.</summary>
    public int MaxEpochs = Defaults.MaxEpochs;

    /// <summary>Stop after this many optimizer steps; null (default) runs every epoch.</summary>
    public int? MaxSteps;

    /// <summary>
    /// Peak learning rate (linear warm-up over <see cref="TaskModelOptions.Defaults.WarmupRatio"/> of the steps, linear decay). Default null:
    /// the method's rate, <see cref="TaskModelOptions.Defaults.LearningRate"/> (5e-5 full, 2e-3 LoRA, 5e-4 adapters), as the CLI uses.
    /// </summary>
    public float? LearningRate;

    /// <summary>Tokens per input, special tokens included; longer inputs are truncated. Default 128.</summary>
    public int MaxSequenceLength = Defaults.MaxSequenceLength;

    /// <summary>Seed. Default 42.</summary>
    public int Seed = Defaults.Seed;

    /// <summary>
    /// Labeled data evaluated during training (eval_loss = log-loss, accuracy, macro_f1, in <see cref="LlmTextClassificationTransformer.TrainingResult"/>'s
    /// History); the fitted model is the best evaluated one (lowest eval_loss). Same columns and label keys as the training data.
    /// Null (default) for none. Feature extraction ignores it (its head trains in one full-batch pass).
    /// </summary>
    public IDataView? ValidationSet;

    /// <summary>Evaluate <see cref="ValidationSet"/> every N optimizer steps (and after the last); null (default) once per epoch.</summary>
    public int? EvaluateEverySteps;

    /// <summary>Stop after this many evaluations of <see cref="ValidationSet"/> without a lower eval_loss; null (default) never stops early.</summary>
    public int? EarlyStoppingPatience;
}
