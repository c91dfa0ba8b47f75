// The ML.NET entry points of text generation: extension methods on the text-transforms catalog, as ML.NET's own
// components are reached (mlContext.Transforms.Text.GenerateText(...)). Construction only; the work is the estimator's.
using Microsoft.ML;

namespace LlmMlNet.ML.Generation;

/// <summary>Catalog extension methods of text generation.</summary>
public static class TextGenerationCatalog
{
    /// <summary>
    /// Continues each row's <paramref name="inputColumnName"/> prompt with the local GPT-2 checkpoint <paramref name="modelPath"/>
    /// into the String column <paramref name="outputColumnName"/> (greedy, the config's EOS stops a row).
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The generated-text column.</param>
    /// <param name="modelPath">A local GPT-2 folder (config.json, model.safetensors, tokenizer files).</param>
    /// <param name="inputColumnName">The prompt column; null means <paramref name="outputColumnName"/>.</param>
    /// <param name="maxNewTokens">Most new tokens per row (default 20).</param>
    /// <exception cref="DirectoryNotFoundException">The model folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json, the weights or the tokenizer files are missing; the message names the file.</exception>
    /// <exception cref="NotSupportedException">The checkpoint is not a GPT-2 model.</exception>
    public static TextGenerationEstimator GenerateText(this TransformsCatalog.TextTransforms catalog, string outputColumnName, string modelPath,
        string? inputColumnName = null, int maxNewTokens = 20)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TextGenerationEstimator(new TextGenerationEstimator.Options
        {
            OutputColumnName = outputColumnName,
            ModelPath = modelPath,
            InputColumnName = inputColumnName,
            MaxNewTokens = maxNewTokens,
        });
    }

    /// <summary>Text generation with every setting of <paramref name="options"/> (sampling, stop strings, batch size).</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public static TextGenerationEstimator GenerateText(this TransformsCatalog.TextTransforms catalog, TextGenerationEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TextGenerationEstimator(options);
    }
}
