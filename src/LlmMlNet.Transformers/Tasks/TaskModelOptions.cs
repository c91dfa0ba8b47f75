// The settings every task model shares: the fine-tuning method with its adapter settings, the sequence
// length, the trainer's options and the feature-extraction head's; and, in Defaults, the one place where the
// per-method recipe (learning rate per method, batch size, LoRA rank/alpha, warm-up) is written, read by the
// CLI and by the ML.NET options alike. Plain settings; not the training itself.
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Settings of a task model.</summary>
public sealed record TaskModelOptions
{
    /// <summary>
    /// The fine-tuning recipe's defaults, shared by every front end (the <c>finetune</c> command and the ML.NET trainers read
    /// these and nothing else). Learning rates follow Hugging Face (5e-5 for full fine-tuning) and PEFT practice (10× that for
    /// LoRA, bottleneck adapters and a frozen body's span head).
    /// </summary>
    public static class Defaults
    {
        /// <summary>Examples (QA: windows) per optimizer step and per inference batch: 8.</summary>
        public const int BatchSize = TrainerOptions.Defaults.BatchSize;

        /// <summary>Passes over the training data: 3 (Hugging Face's run_glue).</summary>
        public const int Epochs = TrainerOptions.Defaults.Epochs;

        /// <summary>Seed of head initialisation, dropout and shuffling: 42.</summary>
        public const ulong Seed = TrainerOptions.Defaults.Seed;

        /// <summary>Linear warm-up over this fraction of the steps, then linear decay: 0.06 (RoBERTa's GLUE recipe).</summary>
        public const double WarmupRatio = 0.06;

        /// <summary>Tokens per input (QA: per window), special tokens included: 128.</summary>
        public const int MaxLength = 128;

        /// <summary>Peak learning rate of full fine-tuning: 5e-5.</summary>
        public const float FullLearningRate = 5e-5f;

        /// <summary>
        /// Peak learning rate of LoRA: 2e-3. The adapters start at zero; on a small model pre-trained from scratch PEFT's usual
        /// 5e-4 on query and value left a tiny BERT at chance on 2,000 SST-2 sentences (0.540, the majority), every dense layer at
        /// alpha 16 and 2e-3 learned (0.619), both on a fresh model (issue 16).
        /// </summary>
        public const float LoraLearningRate = 2e-3f;

        /// <summary>
        /// Peak learning rate of full fine-tuning of a freshly initialised model (the from-scratch control; the CLI's `finetune
        /// --preset` warns below <see cref="FromScratchMinimumLearningRate"/>): 1e-3. The rates above are meant for pre-trained weights; a random `mini` at 5e-5 reached SQuAD F1 21 on its own 300 training questions, at
        /// 1e-3 45, and a `tiny` on 2,000 SST-2 sentences 0.54 (majority) at 1e-4 against 0.74 at 1e-3.
        /// </summary>
        public const float FromScratchLearningRate = 1e-3f;

        /// <summary>
        /// Below this rate a run from a freshly initialised model is using a rate meant for pre-trained weights (the CLI warns): 1e-4.
        /// </summary>
        public const float FromScratchMinimumLearningRate = 1e-4f;

        /// <summary>Peak learning rate of bottleneck adapters: 5e-4.</summary>
        public const float AdapterLearningRate = 5e-4f;

        /// <summary>Peak learning rate of feature extraction's trainer-driven head (QA's span head on a frozen body): 5e-4.</summary>
        public const float FeatureExtractionLearningRate = 5e-4f;

        /// <summary>LoRA rank r: 8 (PEFT's).</summary>
        public const int LoraRank = 8;

        /// <summary>LoRA alpha (scaling alpha / r): 16, a scaling of 2 at rank 8.</summary>
        public const float LoraAlpha = 16f;

        /// <summary>Bottleneck adapter width: 64.</summary>
        public const int AdapterSize = 64;

        /// <summary>The peak learning rate of <paramref name="method"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">An unknown method.</exception>
        public static float LearningRate(FineTuningMethod method) => method switch
        {
            FineTuningMethod.Full => FullLearningRate,
            FineTuningMethod.Lora => LoraLearningRate,
            FineTuningMethod.Adapter => AdapterLearningRate,
            FineTuningMethod.FeatureExtraction => FeatureExtractionLearningRate,
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
        };


        /// <summary>QA: context tokens shared by consecutive windows of <paramref name="maxLength"/> tokens (doc_stride): a quarter window.</summary>
        public static int QaStride(int maxLength) => maxLength / 4;

        /// <summary>The trainer settings of <paramref name="method"/>: its learning rate, warm-up, batch size, epochs and seed.</summary>
        public static TrainerOptions Trainer(FineTuningMethod method) => new()
        {
            LearningRate = LearningRate(method),
            WarmupRatio = WarmupRatio,
            BatchSize = BatchSize,
            Epochs = Epochs,
            Seed = Seed,
        };
    }

    /// <summary>The default recipe of <paramref name="method"/> (see <see cref="Defaults"/>); adjust it with <c>with</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown method.</exception>
    public static TaskModelOptions For(FineTuningMethod method) => new() { Method = method, Trainer = Defaults.Trainer(method) };

    /// <summary>The method. Default <see cref="FineTuningMethod.Full"/>.</summary>
    public FineTuningMethod Method { get; init; } = FineTuningMethod.Full;

    /// <summary>LoRA settings (method Lora). Default rank <see cref="Defaults.LoraRank"/>, alpha <see cref="Defaults.LoraAlpha"/>, every dense layer of the blocks ("all-linear").</summary>
    public LoraOptions Lora { get; init; } = new() { Rank = Defaults.LoraRank, Alpha = Defaults.LoraAlpha };

    /// <summary>Bottleneck settings (method Adapter). Default <see cref="Defaults.AdapterSize"/> wide, ReLU, after attention and FFN.</summary>
    public BottleneckOptions Bottleneck { get; init; } = new() { BottleneckSize = Defaults.AdapterSize };

    /// <summary>Pooling for feature extraction. Default the first token (CLS).</summary>
    public PoolingMode Pooling { get; init; } = PoolingMode.Cls;

    /// <summary>L2-normalise pooled embeddings (feature extraction). Default false.</summary>
    public bool NormalizeEmbeddings { get; init; }

    /// <summary>The feature-extraction head's training. Default 300 full-batch AdamW steps at 0.05.</summary>
    public SoftmaxRegressionOptions FeatureHead { get; init; } = new();

    /// <summary>Tokens per input, special tokens included; longer inputs are truncated. Default <see cref="Defaults.MaxLength"/> (128).</summary>
    public int MaxLength { get; init; } = Defaults.MaxLength;

    /// <summary>
    /// The trainer's options (learning rate, epochs, batch size, seed, ...); its BatchSize also sizes inference batches.
    /// Default <see cref="Defaults.Trainer"/> of full fine-tuning (use <see cref="For"/> for another method's learning rate).
    /// </summary>
    public TrainerOptions Trainer { get; init; } = Defaults.Trainer(FineTuningMethod.Full);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range (the message names it).</exception>
    public TaskModelOptions Validate()
    {
        if (MaxLength < 4) throw new ArgumentException($"MaxLength must be at least 4, got {MaxLength}.", nameof(MaxLength));
        ArgumentNullException.ThrowIfNull(Trainer);
        Trainer.Validate();
        if (Method == FineTuningMethod.Lora) Lora.Validate();
        if (Method == FineTuningMethod.Adapter) Bottleneck.Validate();
        if (Method == FineTuningMethod.FeatureExtraction) FeatureHead.Validate();
        return this;
    }
}
