// The settings every task model shares: the fine-tuning method with its adapter settings, the sequence
// length, the trainer's options and the feature-extraction head's. Plain settings; defaults follow Hugging
// Face's run_glue / run_qa and PEFT.
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Settings of a task model.</summary>
public sealed record TaskModelOptions
{
    /// <summary>The method. Default <see cref="FineTuningMethod.Full"/>.</summary>
    public FineTuningMethod Method { get; init; } = FineTuningMethod.Full;

    /// <summary>LoRA settings (method Lora). Default PEFT's (r 8, alpha 8, query and value).</summary>
    public LoraOptions Lora { get; init; } = new();

    /// <summary>Bottleneck settings (method Adapter). Default 64 wide, ReLU, after attention and FFN.</summary>
    public BottleneckOptions Bottleneck { get; init; } = new();

    /// <summary>Pooling for feature extraction. Default the first token (CLS).</summary>
    public PoolingMode Pooling { get; init; } = PoolingMode.Cls;

    /// <summary>L2-normalise pooled embeddings (feature extraction). Default false.</summary>
    public bool NormalizeEmbeddings { get; init; }

    /// <summary>The feature-extraction head's training. Default 300 full-batch AdamW steps at 0.05.</summary>
    public SoftmaxRegressionOptions FeatureHead { get; init; } = new();

    /// <summary>Tokens per input, special tokens included; longer inputs are truncated. Default 128.</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>The trainer's options (learning rate, epochs, batch size, seed, ...); its BatchSize also sizes inference batches.</summary>
    public TrainerOptions Trainer { get; init; } = new();

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
