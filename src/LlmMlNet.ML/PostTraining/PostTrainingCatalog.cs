// The ML.NET entry points of SFT and DPO: extension methods on the text-transforms catalog
// (mlContext.Transforms.Text.TrainSft(...) / TrainDpo(...)). Construction only; the estimators do the work.
using Microsoft.ML;

namespace LlmMlNet.ML.PostTraining;

/// <summary>Catalog extension methods of causal-LM post-training.</summary>
public static class PostTrainingCatalog
{
    /// <summary>Supervised fine-tuning on prompt/response columns; the fitted transformer generates responses to the prompt column.</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public static LlmSftEstimator TrainSft(this TransformsCatalog.TextTransforms catalog, LlmSftEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LlmSftEstimator(options);
    }

    /// <summary>DPO on prompt/chosen/rejected columns; the fitted transformer generates responses to the prompt column.</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public static LlmDpoEstimator TrainDpo(this TransformsCatalog.TextTransforms catalog, LlmDpoEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LlmDpoEstimator(options);
    }
}
