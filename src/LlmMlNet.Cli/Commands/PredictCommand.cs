// `llmmlnet predict`: runs a fine-tuned model folder on one text (or question with --question, the
// text then being the context) or on a file, writing JSONL predictions. Argument handling and display only.
using System.CommandLine;
using System.Text.Json;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Models;
using LlmMlNet.Cli.Running;
using LlmMlNet.Onnx.Runtime;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `predict` command.</summary>
public static class PredictCommand
{
    /// <summary>Creates the `predict` command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model folder written by `finetune`.", Required = true };
        var text = new Option<string>("--text") { Description = "The text to classify (for QA: the context)." };
        var question = new Option<string>("--question") { Description = "QA models: the question about --text." };
        var input = new Option<string>("--input") { Description = "A file to predict: TSV/CSV/JSONL texts (labels optional) or SQuAD JSON for QA." };
        var output = new Option<string>("--output") { Description = "Where --input's predictions go (JSONL, one line per input)." };
        var skipBadRows = CommonOptions.SkipBadRows();
        var engineOption = new Option<string>("--engine")
        {
            Description = "Inference engine: ours (default) or onnxruntime (the model exported in memory and run by ONNX Runtime on the CPU).",
            DefaultValueFactory = _ => "ours",
        };
        engineOption.AcceptOnlyFromAmong("ours", "onnxruntime");
        var command = new Command("predict", "Predict with a fine-tuned model.") { model, text, question, input, output, skipBadRows, engineOption };
        command.Validators.Add(result =>
        {
            bool hasText = result.GetResult(text) is not null, hasInput = result.GetResult(input) is not null;
            if (hasText == hasInput) result.AddError("Give either --text \"...\" or --input FILE --output FILE.");
            else if (hasInput && result.GetResult(output) is null) result.AddError("--input needs --output FILE.");
            else if (hasInput && result.GetResult(question) is not null) result.AddError("--question goes with --text, not --input.");
        });
        command.SetAction(parse => CommandRunner.Execute("predict", token =>
        {
            var dir = parse.GetValue(model)!;
            ITaskInferenceEngine? engine = parse.GetValue(engineOption) == "onnxruntime" ? OnnxRuntimeEngine.Default : null;
            QuestionAnswering LoadQa()
            {
                var m = QuestionAnswering.Load(dir);
                m.InferenceEngine = engine;
                return m;
            }
            TextClassifier LoadClassifier()
            {
                var m = TextClassifier.Load(dir);
                m.InferenceEngine = engine;
                return m;
            }
            var manifest = ModelFolders.Open(dir);
            bool isQa = manifest.Task == TaskModelManifest.QuestionAnswering;
            if (parse.GetValue(text) is { } single)
            {
                if (isQa)
                {
                    var q = parse.GetValue(question) ?? throw new UsageException("This is a QA model: give --question with --text (the context).");
                    var answer = LoadQa().Predict([new QaExample("q", q, single, [])], null, token)[0];
                    Console.Out.WriteLine(JsonSerializer.Serialize(new { answer = answer.Text, start = answer.Start, score = answer.Score }));
                    return ExitCodes.Success;
                }
                if (parse.GetValue(question) is not null) throw new UsageException("--question is for QA models; this one classifies.");
                var classifier = LoadClassifier();
                Console.Out.WriteLine(JsonSerializer.Serialize(Row(classifier.Labels, classifier.PredictProbabilities(single), null)));
                return ExitCodes.Success;
            }
            var (inPath, outPath) = (parse.GetValue(input)!, parse.GetValue(output)!);
            OutputPaths.RequireWritableFile(outPath, "--output");
            int written;
            if (isQa)
            {
                var file = DataInputs.Squad(inPath, parse.GetValue(skipBadRows), requireAnswers: false);
                var qa = LoadQa();
                // "No answer" is a possible prediction only for SQuAD v2.0 files (some question marked is_impossible), as in evaluate.
                var decoding = new QaDecodingOptions { AllowNoAnswer = file.Version == SquadVersion.V2_0 };
                written = DataInputs.Guard(inPath, () => TrainingDisplay.RunCounted("predict", file.Examples.Count, progress =>
                {
                    int n = 0;
                    DataFiles.WriteAtomically(outPath, (TextWriter w) =>
                    {
                        foreach (var a in qa.PredictEach(file.Examples, decoding, token))
                        {
                            w.WriteLine(JsonSerializer.Serialize(new { id = a.ExampleId, answer = a.Text, start = a.Start, score = a.Score }));
                            if (++n % 64 == 0) progress.Report(n);
                        }
                    });
                    progress.Report(n);
                    return n;
                }));
            }
            else
            {
                var file = DataInputs.Classification(inPath, parse.GetValue(skipBadRows), requireLabels: false);
                var classifier = LoadClassifier();
                // Streamed in chunks: a file of any size is predicted in bounded memory.
                written = TrainingDisplay.RunCounted("predict", file.Count, progress =>
                {
                    int n = 0;
                    DataFiles.WriteAtomically(outPath, (TextWriter w) =>
                    {
                        foreach (var chunk in file.Examples.Chunk(256))
                        {
                            var probabilities = classifier.PredictProbabilities(chunk.Select(e => (e.Text, e.TextPair)).ToList(), token);
                            for (int i = 0; i < chunk.Length; i++) w.WriteLine(JsonSerializer.Serialize(Row(classifier.Labels, probabilities[i], chunk[i].LineNumber)));
                            progress.Report(n += chunk.Length);
                        }
                    });
                    return n;
                });
            }
            Console.Error.WriteLine($"predict: {written} prediction(s) → {outPath}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Dictionary<string, object> Row(LabelMap labels, float[] probabilities, long? line)
    {
        int best = Array.IndexOf(probabilities, probabilities.Max());
        var row = new Dictionary<string, object>
        {
            ["label"] = labels[best],
            ["probabilities"] = labels.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => probabilities[x.i]),
        };
        if (line is { } l) row["line"] = l;
        return row;
    }
}
