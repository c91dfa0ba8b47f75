// A user's extractive-QA program, exactly as it would be written against the real Microsoft.ML package: rows in
// Microsoft.ML.TorchSharp's QA convention, LlmQuestionAnswering with LoRA, a PredictionEngine, and a save/load
// through SaveWithLlm / LoadWithLlm. Public API only; compiled into the test project and run by SamplesTests.
using LlmMlNet.ML;
using LlmMlNet.ML.QuestionAnswering;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;

namespace LlmMlNet.Samples;

/// <summary>A question about a context, with its answer for training.</summary>
public class QaRow
{
    /// <summary>The passage.</summary>
    public string Context { get; set; } = "";

    /// <summary>The question.</summary>
    public string Question { get; set; } = "";

    /// <summary>The answer text (training only).</summary>
    public string TrainingAnswer { get; set; } = "";

    /// <summary>The answer's character offset in Context (training only).</summary>
    public int AnswerIndex { get; set; }
}

/// <summary>The answers a user reads back.</summary>
public class QaPrediction
{
    /// <summary>The top answers, best first.</summary>
    public string[] Answer { get; set; } = [];

    /// <summary>Their scores.</summary>
    public float[] Score { get; set; } = [];
}

/// <summary>The question-answering sample.</summary>
public static class QaSample
{
    /// <summary>Fine-tunes with LoRA, answers one question, saves and reloads the pipeline and answers it again.</summary>
    public static (QaPrediction Prediction, QaPrediction Reloaded) Run(string modelFolder, IEnumerable<QaRow> rows, QaRow question, string savePath)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.MulticlassClassification.Trainers.LlmQuestionAnswering(new LlmQuestionAnsweringOptions
        {
            ModelPath = modelFolder, Method = FineTuningMethod.Lora, MaxEpochs = 1, BatchSize = 8, MaxSequenceLength = 64, Stride = 16, TopK = 2,
        });
        var model = pipeline.Fit(data);
        var engine = ml.Model.CreatePredictionEngine<QaRow, QaPrediction>(model);
        var prediction = engine.Predict(question);

        ml.Model.SaveWithLlm(model, data.Schema, savePath);
        var loaded = ml.Model.LoadWithLlm(savePath, out var inputSchema);
        var reloaded = ml.Model.CreatePredictionEngine<QaRow, QaPrediction>(loaded, inputSchema).Predict(question);
        return (prediction, reloaded);
    }
}
