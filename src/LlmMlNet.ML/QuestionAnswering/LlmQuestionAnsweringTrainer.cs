// The extractive QA trainer estimator: Fit reads (Context, Question, TrainingAnswer, AnswerIndex) rows and fine-tunes
// through the Tasks API's QuestionAnswering (windows with stride; full, LoRA, adapters or a frozen body; an optional
// validation set); its transformer answers with the top-K spans. Schema checks and data reading here; inference in
// the Tasks API (the transformer wraps QuestionAnswering).
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.QuestionAnswering;

/// <summary>
/// Fine-tunes a transformer for extractive question answering. Input: Context, Question, TrainingAnswer (String) and AnswerIndex
/// (Int32 character offset). Output: Answer (<c>Vector&lt;String&gt;</c>, top-K) and Score (<c>Vector&lt;Single&gt;</c>).
/// </summary>
public sealed class LlmQuestionAnsweringTrainer : IEstimator<LlmQuestionAnsweringTransformer>
{
    private static readonly ColumnExpectation Text = ColumnExpectation.Scalar(TextDataViewType.Instance);
    private static readonly ColumnExpectation Int32 = ColumnExpectation.Scalar(NumberDataViewType.Int32);
    private readonly LlmQuestionAnsweringOptions _options;

    /// <summary>Checks the options and the local model folder before any data is read.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing; the message names it.</exception>
    public LlmQuestionAnsweringTrainer(LlmQuestionAnsweringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (options.TopK < 1) throw new ArgumentOutOfRangeException(nameof(options.TopK), options.TopK, "TopK must be at least 1.");
        FineTuningRecipe.CheckSchedule(options.BatchSize, options.MaxEpochs, options.LearningRate, options.EvaluateEverySteps, options.EarlyStoppingPatience);
        if (options.MaxSequenceLength < 8) throw new ArgumentOutOfRangeException(nameof(options.MaxSequenceLength), options.MaxSequenceLength, "MaxSequenceLength must be at least 8.");
        FineTuningRecipe.CheckSource(options.ModelPath, options.Preset, options.TokenizerPath);
    }

    /// <summary>The library options these trainer options stand for (<see cref="TaskModelOptions.For"/> with this trainer's settings).</summary>
    internal TaskModelOptions TaskOptions(int trainCount, bool hasValidation) => FineTuningRecipe.Build(_options.Method, _options.LearningRate,
        _options.BatchSize, _options.MaxEpochs, _options.MaxSteps, _options.MaxSequenceLength, _options.LoraRank, _options.LoraAlpha, null,
        _options.Seed, trainCount, hasValidation, _options.EvaluateEverySteps, _options.EarlyStoppingPatience);

    /// <summary>The input shape plus Answer (Vector&lt;String&gt;) and Score (Vector&lt;Single&gt;).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.Require(inputSchema, _options.ContextColumnName, Text);
        SchemaChecks.Require(inputSchema, _options.QuestionColumnName, Text);
        SchemaChecks.Require(inputSchema, _options.TrainingAnswerColumnName, Text);
        SchemaChecks.Require(inputSchema, _options.AnswerIndexColumnName, Int32);
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Column(_options.PredictedAnswerColumnName, SchemaShape.Column.VectorKind.VariableVector, TextDataViewType.Instance),
            SchemaShapes.Column(_options.ScoreColumnName, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single));
    }

    /// <summary>Fine-tunes on <paramref name="input"/> and returns the fitted transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type (in the input or the validation set).</exception>
    /// <exception cref="InvalidDataException">A row's answer does not occur at its AnswerIndex in the context; the message gives the row.</exception>
    public LlmQuestionAnsweringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var examples = ReadExamples(input, "Row");
        var validation = _options.ValidationSet == null ? null : ReadExamples(_options.ValidationSet, "Validation row");
        var (tokenizer, source) = FineTuningRecipe.Source(_options.ModelPath, _options.Preset, _options.Family, _options.TokenizerPath, _options.Seed);
        var taskOptions = TaskOptions(examples.Count, validation != null);
        var qa = Transformers.Tasks.QuestionAnswering.Train(source, tokenizer, examples, taskOptions, _options.Stride ?? TaskModelOptions.Defaults.QaStride(taskOptions.MaxLength),
            validation: validation);
        qa.InferenceEngine = Onnx.LlmInferenceEngines.ToTaskEngine(_options.InferenceEngine);
        return LlmQuestionAnsweringTransformer.FromTrained(qa, _options);
    }

    private List<QaExample> ReadExamples(IDataView data, string rowLabel)
    {
        var columns = new[]
        {
            SchemaChecks.Require(data.Schema, _options.ContextColumnName, Text), SchemaChecks.Require(data.Schema, _options.QuestionColumnName, Text),
            SchemaChecks.Require(data.Schema, _options.TrainingAnswerColumnName, Text), SchemaChecks.Require(data.Schema, _options.AnswerIndexColumnName, Int32),
        };
        var examples = new List<QaExample>();
        using var cursor = data.GetRowCursor(columns);
        var context = RowReaders.Text(cursor, columns[0].Name);
        var question = RowReaders.Text(cursor, columns[1].Name);
        var answer = RowReaders.Text(cursor, columns[2].Name);
        var indexGetter = cursor.GetGetter<int>(columns[3]);
        while (cursor.MoveNext())
        {
            string c = context(), a = answer();
            int start = 0;
            indexGetter(ref start);
            if (start < 0 || start + a.Length > c.Length || string.CompareOrdinal(c, start, a, 0, a.Length) != 0)
                throw new InvalidDataException($"{rowLabel} {examples.Count}: '{a}' does not occur at character {start} of column '{columns[0].Name}'.");
            examples.Add(new QaExample(examples.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), question(), c, [new QaAnswer(a, start)]));
        }
        return examples;
    }
}
