// Catalog extension methods that put our trainers on mlContext.MulticlassClassification.Trainers in the shape
// Microsoft.ML.TorchSharp users know: a simple overload with column names and sizes, and an Options overload,
// each returning its concrete trainer. Argument plumbing only.
using LlmMlNet.ML.Classification;
using LlmMlNet.ML.QuestionAnswering;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;

namespace LlmMlNet.ML;

/// <summary>LlmMlNet trainers on the ML.NET trainer catalogs.</summary>
public static class LlmTrainersCatalog
{
    /// <summary>
    /// Fine-tunes the local Hugging Face model in <paramref name="modelPath"/> to classify <paramref name="sentence1ColumnName"/>
    /// (and optionally <paramref name="sentence2ColumnName"/>) into the classes of the Key&lt;UInt32&gt; <paramref name="labelColumnName"/>.
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="modelPath">A local Hugging Face checkpoint folder with its tokenizer files (never downloaded).</param>
    /// <param name="labelColumnName">The label (default "Label").</param>
    /// <param name="scoreColumnName">The probabilities output (default "Score").</param>
    /// <param name="predictedLabelColumnName">The predicted key output (default "PredictedLabel").</param>
    /// <param name="sentence1ColumnName">The text (default "Sentence1", as TorchSharp's TextClassification).</param>
    /// <param name="sentence2ColumnName">An optional second text (default null).</param>
    /// <param name="method">Full (default), Lora, Adapter or FeatureExtraction.</param>
    /// <param name="batchSize">Examples per step (default 8, <see cref="TaskModelOptions.Defaults.BatchSize"/>).</param>
    /// <param name="maxEpochs">Passes over the data (default 3).</param>
    /// <param name="validationSet">Labeled data evaluated once per epoch; the best evaluated model (lowest log-loss) is kept. Default null.</param>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing; the message names it.</exception>
    public static LlmTextClassificationTrainer LlmTextClassification(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string modelPath, string labelColumnName = LlmTextClassificationOptions.Defaults.LabelColumnName,
        string scoreColumnName = LlmTextClassificationOptions.Defaults.ScoreColumnName,
        string predictedLabelColumnName = LlmTextClassificationOptions.Defaults.PredictedLabelColumnName,
        string sentence1ColumnName = LlmTextClassificationOptions.Defaults.Sentence1ColumnName, string? sentence2ColumnName = null,
        FineTuningMethod method = FineTuningMethod.Full, int batchSize = LlmTextClassificationOptions.Defaults.BatchSize,
        int maxEpochs = LlmTextClassificationOptions.Defaults.MaxEpochs, IDataView? validationSet = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LlmTextClassificationTrainer(new LlmTextClassificationOptions
        {
            ModelPath = modelPath, LabelColumnName = labelColumnName, ScoreColumnName = scoreColumnName, PredictedLabelColumnName = predictedLabelColumnName,
            Sentence1ColumnName = sentence1ColumnName, Sentence2ColumnName = sentence2ColumnName, Method = method, BatchSize = batchSize,
            MaxEpochs = maxEpochs, ValidationSet = validationSet,
        });
    }

    /// <summary>Text classification with every setting of <paramref name="options"/> (see <see cref="LlmTextClassificationOptions"/>).</summary>
    /// <exception cref="ArgumentException">Neither a model path nor a preset with a tokenizer.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public static LlmTextClassificationTrainer LlmTextClassification(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        LlmTextClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LlmTextClassificationTrainer(options);
    }

    /// <summary>
    /// Fine-tunes the local Hugging Face model in <paramref name="modelPath"/> for extractive question answering in Microsoft.ML.TorchSharp's
    /// column convention: Context, Question, TrainingAnswer (String) and AnswerIndex (Int32) in; Answer (top-K texts) and Score out.
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog (where TorchSharp hangs QuestionAnswer).</param>
    /// <param name="modelPath">A local Hugging Face checkpoint folder with its tokenizer files.</param>
    /// <param name="contextColumnName">Default "Context".</param>
    /// <param name="questionColumnName">Default "Question".</param>
    /// <param name="trainingAnswerColumnName">Default "TrainingAnswer".</param>
    /// <param name="answerIndexColumnName">Default "AnswerIndex".</param>
    /// <param name="predictedAnswerColumnName">Default "Answer".</param>
    /// <param name="scoreColumnName">Default "Score".</param>
    /// <param name="topK">Answers per row (default 3).</param>
    /// <param name="batchSize">Windows per step (default 8, <see cref="TaskModelOptions.Defaults.BatchSize"/>).</param>
    /// <param name="maxEpochs">Passes over the data (default 3).</param>
    /// <param name="method">Full (default), Lora, Adapter or FeatureExtraction.</param>
    /// <param name="validationSet">Rows with the training columns evaluated once per epoch; the best evaluated model is kept. Default null.</param>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public static LlmQuestionAnsweringTrainer LlmQuestionAnswering(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string modelPath, string contextColumnName = LlmQuestionAnsweringOptions.Defaults.ContextColumnName,
        string questionColumnName = LlmQuestionAnsweringOptions.Defaults.QuestionColumnName,
        string trainingAnswerColumnName = LlmQuestionAnsweringOptions.Defaults.TrainingAnswerColumnName,
        string answerIndexColumnName = LlmQuestionAnsweringOptions.Defaults.AnswerIndexColumnName,
        string predictedAnswerColumnName = LlmQuestionAnsweringOptions.Defaults.PredictedAnswerColumnName,
        string scoreColumnName = LlmQuestionAnsweringOptions.Defaults.ScoreColumnName, int topK = LlmQuestionAnsweringOptions.Defaults.TopK,
        int batchSize = LlmQuestionAnsweringOptions.Defaults.BatchSize, int maxEpochs = LlmQuestionAnsweringOptions.Defaults.MaxEpochs,
        FineTuningMethod method = FineTuningMethod.Full, IDataView? validationSet = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LlmQuestionAnsweringTrainer(new LlmQuestionAnsweringOptions
        {
            ModelPath = modelPath, ContextColumnName = contextColumnName, QuestionColumnName = questionColumnName,
            TrainingAnswerColumnName = trainingAnswerColumnName, AnswerIndexColumnName = answerIndexColumnName,
            PredictedAnswerColumnName = predictedAnswerColumnName, ScoreColumnName = scoreColumnName, TopK = topK, BatchSize = batchSize, MaxEpochs = maxEpochs,
            Method = method, ValidationSet = validationSet,
        });
    }

    /// <summary>Extractive QA with every setting of <paramref name="options"/> (see <see cref="LlmQuestionAnsweringOptions"/>).</summary>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public static LlmQuestionAnsweringTrainer LlmQuestionAnswering(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        LlmQuestionAnsweringOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LlmQuestionAnsweringTrainer(options);
    }

    /// <summary>
    /// Trains our linear head (softmax regression, full-batch AdamW, deterministic) on a known-size <c>Vector&lt;Single&gt;</c>
    /// features column, e.g. the output of ExtractTransformerFeatures. Outputs softmax Score and a Key PredictedLabel.
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key&lt;UInt32&gt; label (default "Label").</param>
    /// <param name="featureColumnName">Features (default "Features").</param>
    /// <param name="scoreColumnName">Probabilities output (default "Score").</param>
    /// <param name="predictedLabelColumnName">Predicted key output (default "PredictedLabel").</param>
    /// <param name="steps">Full-batch AdamW steps (default 300).</param>
    /// <param name="learningRate">Constant learning rate (default 0.05).</param>
    public static LlmLinearHeadTrainer LlmLinearHead(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel", int steps = LlmLinearHeadTrainer.Defaults.Steps,
        float learningRate = LlmLinearHeadTrainer.Defaults.LearningRate)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LlmLinearHeadTrainer(labelColumnName, featureColumnName, scoreColumnName, predictedLabelColumnName, steps, learningRate);
    }
}
