// Catalog extension methods on mlContext.Model, ML.NET's own place for saving and loading: SaveWithLlm and
// LoadWithLlm take Model.Save's and Model.Load's parameter lists and store a chain that mixes ML.NET's transforms
// and trainers with ours in one atomic, versioned file; LoadLlmTextClassifier / LoadLlmQuestionAnswering wrap a
// task folder (as `llmmlnet finetune` writes it) as a transformer. Argument plumbing only; PipelineFile does the work.
using LlmMlNet.ML.Classification;
using LlmMlNet.ML.Persistence;
using LlmMlNet.ML.QuestionAnswering;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML;

/// <summary>LlmMlNet's save and load operations on <see cref="ModelOperationsCatalog"/> (<c>mlContext.Model</c>).</summary>
public static class LlmModelCatalog
{
    /// <summary>
    /// Saves <paramref name="model"/> (any chain of ML.NET transformers and LlmMlNet ones; nested chains are flattened) with the schema
    /// of its input data to <paramref name="filePath"/>, as <c>mlContext.Model.Save</c> would if it could store our transformers. The file
    /// is a zip with a versioned manifest; it is written to a temporary file and renamed into place only after every step has saved,
    /// so a failure leaves no file (and an existing file untouched).
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">The fitted model.</param>
    /// <param name="inputSchema">The schema of the data the model was fitted on (e.g. <c>data.Schema</c>).</param>
    /// <param name="filePath">The file to write.</param>
    /// <exception cref="InvalidOperationException">A step is neither an LlmMlNet transformer nor savable by ML.NET; the message names it.</exception>
    /// <exception cref="NotSupportedException">An input column type cannot be recorded.</exception>
    public static void SaveWithLlm(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath) =>
        PipelineFile.Save(catalog, model, inputSchema, filePath);

    /// <summary>Loads a file written by <see cref="SaveWithLlm"/>, as <c>mlContext.Model.Load</c> loads its own files.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="filePath">The file.</param>
    /// <param name="inputSchema">Receives the saved input schema (names and types), e.g. for <c>CreatePredictionEngine</c>.</param>
    /// <returns>The model: a <see cref="TransformerChain{TLastTransformer}"/> of its steps, in order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not such a file, has another format version, or names a step kind without a loader; the message names the file and step.</exception>
    public static ITransformer LoadWithLlm(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema) =>
        PipelineFile.Load(catalog, filePath, out inputSchema);

    /// <summary>
    /// A text classifier saved as a task folder (by <c>llmmlnet finetune --task classification</c>, <see cref="TextClassifier.Save"/> or
    /// <see cref="LlmTextClassificationTransformer.SaveTaskModel"/>) as a transformer: Score and a PredictedLabel whose String key values
    /// are the folder's labels.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="modelFolder">The task folder.</param>
    /// <param name="sentence1ColumnName">The text (default "Sentence1").</param>
    /// <param name="sentence2ColumnName">An optional second text (default null).</param>
    /// <param name="scoreColumnName">The probabilities output (default "Score").</param>
    /// <param name="predictedLabelColumnName">The predicted key output (default "PredictedLabel").</param>
    /// <param name="batchSize">Rows per forward pass (default <see cref="TaskModelOptions.Defaults.BatchSize"/>).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no text classifier, or a file is missing or malformed.</exception>
    public static LlmTextClassificationTransformer LoadLlmTextClassifier(this ModelOperationsCatalog catalog, string modelFolder,
        string sentence1ColumnName = LlmTextClassificationOptions.Defaults.Sentence1ColumnName, string? sentence2ColumnName = null,
        string scoreColumnName = LlmTextClassificationOptions.Defaults.ScoreColumnName,
        string predictedLabelColumnName = LlmTextClassificationOptions.Defaults.PredictedLabelColumnName, int batchSize = TaskModelOptions.Defaults.BatchSize)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return LlmTextClassificationTransformer.FromTaskFolder(modelFolder, sentence1ColumnName, sentence2ColumnName, scoreColumnName, predictedLabelColumnName, batchSize);
    }

    /// <summary>
    /// An extractive QA model saved as a task folder (by <c>llmmlnet finetune --task qa</c>, <see cref="Transformers.Tasks.QuestionAnswering.Save"/> or
    /// <see cref="LlmQuestionAnsweringTransformer.SaveTaskModel"/>) as a transformer in Microsoft.ML.TorchSharp's column convention.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="modelFolder">The task folder.</param>
    /// <param name="contextColumnName">Default "Context".</param>
    /// <param name="questionColumnName">Default "Question".</param>
    /// <param name="predictedAnswerColumnName">Default "Answer".</param>
    /// <param name="scoreColumnName">Default "Score".</param>
    /// <param name="topK">Answers per row (default 3).</param>
    /// <param name="batchSize">Windows per forward pass (default <see cref="TaskModelOptions.Defaults.BatchSize"/>).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no QA model, or a file is missing or malformed.</exception>
    public static LlmQuestionAnsweringTransformer LoadLlmQuestionAnswering(this ModelOperationsCatalog catalog, string modelFolder,
        string contextColumnName = LlmQuestionAnsweringOptions.Defaults.ContextColumnName,
        string questionColumnName = LlmQuestionAnsweringOptions.Defaults.QuestionColumnName,
        string predictedAnswerColumnName = LlmQuestionAnsweringOptions.Defaults.PredictedAnswerColumnName,
        string scoreColumnName = LlmQuestionAnsweringOptions.Defaults.ScoreColumnName, int topK = LlmQuestionAnsweringOptions.Defaults.TopK,
        int batchSize = TaskModelOptions.Defaults.BatchSize)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return LlmQuestionAnsweringTransformer.FromTaskFolder(modelFolder, contextColumnName, questionColumnName, predictedAnswerColumnName, scoreColumnName,
            topK, batchSize);
    }
}
