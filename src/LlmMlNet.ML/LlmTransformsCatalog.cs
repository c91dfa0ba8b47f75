// Catalog extension methods that put our transforms on mlContext.Transforms.Text in ML.NET's style: output column
// first, input column null meaning the same, an Options overload, each returning its concrete estimator.
// Trainers live on the trainer catalogs (LlmTrainersCatalog); this file holds no logic beyond argument plumbing.
using LlmMlNet.ML.Embeddings;
using LlmMlNet.ML.LanguageModeling;
using LlmMlNet.ML.Text;
using Microsoft.ML;

namespace LlmMlNet.ML;

/// <summary>LlmMlNet transforms on <see cref="TransformsCatalog.TextTransforms"/>.</summary>
public static class LlmTransformsCatalog
{
    /// <summary>
    /// Tokenizes <paramref name="inputColumnName"/> for a transformer model into <paramref name="outputColumnName"/> (token ids,
    /// <c>Vector&lt;Int32, maximumSequenceLength&gt;</c>) and <paramref name="attentionMaskColumnName"/> (1 = token, 0 = padding),
    /// truncating and right-padding every row to <paramref name="maximumSequenceLength"/> tokens, special tokens included.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The token-id column.</param>
    /// <param name="tokenizerPath">A local tokenizer.json, or a folder with tokenizer.json, vocab.txt, or vocab.json + merges.txt.</param>
    /// <param name="inputColumnName">The text column; null means <paramref name="outputColumnName"/>.</param>
    /// <param name="maximumSequenceLength">Tokens per row (default 128).</param>
    /// <param name="attentionMaskColumnName">The attention-mask column (default "AttentionMask").</param>
    /// <param name="tokenTypeIdsColumnName">The token-type-id column, or null (default) for none.</param>
    /// <exception cref="FileNotFoundException">No tokenizer at <paramref name="tokenizerPath"/>; the message names the expected files.</exception>
    public static TransformerTokenizingEstimator TokenizeForTransformer(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string tokenizerPath, string? inputColumnName = null,
        int maximumSequenceLength = TransformerTokenizingEstimator.Defaults.MaximumSequenceLength,
        string attentionMaskColumnName = TransformerTokenizingEstimator.Defaults.AttentionMaskColumnName,
        string? tokenTypeIdsColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TransformerTokenizingEstimator(new TransformerTokenizingEstimator.Options
        {
            OutputColumnName = outputColumnName,
            TokenizerPath = tokenizerPath,
            InputColumnName = inputColumnName,
            MaximumSequenceLength = maximumSequenceLength,
            AttentionMaskColumnName = attentionMaskColumnName,
            TokenTypeIdsColumnName = tokenTypeIdsColumnName,
        });
    }

    /// <summary>Tokenizes text for a transformer model with every setting of <paramref name="options"/> (see <see cref="TransformerTokenizingEstimator.Options"/>).</summary>
    /// <exception cref="FileNotFoundException">No tokenizer at <see cref="TransformerTokenizingEstimator.Options.TokenizerPath"/>.</exception>
    public static TransformerTokenizingEstimator TokenizeForTransformer(this TransformsCatalog.TextTransforms catalog,
        TransformerTokenizingEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TransformerTokenizingEstimator(options);
    }
    /// <summary>
    /// Embeds <paramref name="inputColumnName"/> with the pre-trained transformer in <paramref name="modelPath"/> into
    /// <paramref name="outputColumnName"/>, a <c>Vector&lt;Single, hidden&gt;</c> column any downstream trainer can consume.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The embedding column.</param>
    /// <param name="modelPath">A local Hugging Face checkpoint folder (config.json, model.safetensors and tokenizer files).</param>
    /// <param name="inputColumnName">The text column; null means <paramref name="outputColumnName"/>.</param>
    /// <param name="pooling">How token states are pooled (default mean).</param>
    /// <param name="normalize">Whether embeddings are L2-normalised (default false).</param>
    /// <param name="batchSize">Texts per forward pass (default 32).</param>
    /// <exception cref="DirectoryNotFoundException">The model folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json, the weights or the tokenizer files are missing; the message names the file.</exception>
    public static TransformerEmbeddingEstimator ExtractTransformerFeatures(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string modelPath, string? inputColumnName = null,
        EmbeddingPooling pooling = TransformerEmbeddingEstimator.Defaults.Pooling, bool normalize = false,
        int batchSize = TransformerEmbeddingEstimator.Defaults.BatchSize)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TransformerEmbeddingEstimator(new TransformerEmbeddingEstimator.Options
        {
            OutputColumnName = outputColumnName,
            ModelPath = modelPath,
            InputColumnName = inputColumnName,
            Pooling = pooling,
            NormalizeEmbeddings = normalize,
            BatchSize = batchSize,
        });
    }

    /// <summary>Feature extraction with every setting of <paramref name="options"/> (see <see cref="TransformerEmbeddingEstimator.Options"/>).</summary>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public static TransformerEmbeddingEstimator ExtractTransformerFeatures(this TransformsCatalog.TextTransforms catalog,
        TransformerEmbeddingEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TransformerEmbeddingEstimator(options);
    }
    /// <summary>
    /// Pre-trains a language model on <paramref name="inputColumnName"/> (masked LM for BERT-family models, causal LM for GPT-2),
    /// continuing from the local checkpoint <paramref name="modelPath"/>; the fitted transformer adds a perplexity column.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The perplexity column (default "Perplexity").</param>
    /// <param name="modelPath">A local Hugging Face checkpoint folder with its tokenizer files.</param>
    /// <param name="inputColumnName">The text column (default "Text").</param>
    /// <param name="maxEpochs">Passes over the data (default 1).</param>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public static LanguageModelPretrainingEstimator PretrainLanguageModel(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string modelPath, string inputColumnName = LanguageModelPretrainingEstimator.Defaults.InputColumnName,
        int maxEpochs = LanguageModelPretrainingEstimator.Defaults.MaxEpochs)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LanguageModelPretrainingEstimator(new LanguageModelPretrainingEstimator.Options
        {
            OutputColumnName = outputColumnName, ModelPath = modelPath, InputColumnName = inputColumnName, MaxEpochs = maxEpochs,
        });
    }

    /// <summary>Pre-training with every setting of <paramref name="options"/>, including from scratch (Preset + TokenizerPath).</summary>
    /// <exception cref="ArgumentException">Neither a model path nor a preset with a tokenizer.</exception>
    public static LanguageModelPretrainingEstimator PretrainLanguageModel(this TransformsCatalog.TextTransforms catalog,
        LanguageModelPretrainingEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LanguageModelPretrainingEstimator(options);
    }
}
