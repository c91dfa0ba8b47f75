// "Train here, ship the .onnx": exports the fitted text classifier or QA model of an ML.NET pipeline (found in a
// transformer chain) as one ONNX file that ML.NET's own ApplyOnnxModel or any ONNX Runtime host runs. The tokenizer
// stays in the pipeline (TokenizeForTransformer with OutputType Int64 and Hugging Face's column names). Argument
// plumbing only: OnnxExporter does the work.
using LlmMlNet.ML.Classification;
using LlmMlNet.ML.QuestionAnswering;
using LlmMlNet.Onnx.Export;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Onnx;

/// <summary>ONNX export on <see cref="ModelOperationsCatalog"/> (<c>mlContext.Model</c>).</summary>
public static class OnnxExportCatalog
{
    /// <summary>
    /// Writes the LlmMlNet model of <paramref name="model"/> (an LlmTextClassification or LlmQuestionAnswering transformer, alone
    /// or in a chain) to <paramref name="path"/>: classifiers output <c>logits</c> and <c>probabilities</c> (the pipeline's Score,
    /// in the same class order; label names in the metadata), QA models <c>start_logits</c> and <c>end_logits</c>.
    /// </summary>
    /// <param name="catalog">The model operations catalog.</param>
    /// <param name="model">The fitted pipeline or transformer.</param>
    /// <param name="path">The .onnx file (written atomically).</param>
    /// <param name="options">Opset and extras; null uses the defaults (opset 17).</param>
    /// <exception cref="ArgumentException">The pipeline holds no (or more than one) LlmMlNet classifier or QA model.</exception>
    public static OnnxExportResult ExportToOnnx(this ModelOperationsCatalog catalog, ITransformer model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        var found = LlmInferenceEngines.Flatten(model).Where(t => t is LlmTextClassificationTransformer or LlmQuestionAnsweringTransformer).ToList();
        if (found.Count != 1)
            throw new ArgumentException($"the pipeline holds {found.Count} LlmMlNet classifiers or QA models; export needs exactly one.", nameof(model));
        return found[0] is LlmQuestionAnsweringTransformer qa
            ? OnnxExporter.Export(qa.Model, path, options)
            : OnnxExporter.Export(((LlmTextClassificationTransformer)found[0]).Classifier, path, options);
    }
}
