// `llmmlnet predict`: runs a fine-tuned model folder on one text (or question with --question, the
// text then being the context) or on a file, writing JSONL predictions. Argument handling and display only.
using System.CommandLine;
using System.Text.Json;
using LlmMlNet.Cli.Models;
using LlmMlNet.Cli.Running;
using LlmMlNet.Transformers.Data;

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
        var command = new Command("predict", "Predict with a fine-tuned model.") { model, text, question, input, output, skipBadRows };
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
            var manifest = ModelFolders.Open(dir);
            if (parse.GetValue(text) is { } single)
            {
                if (manifest.Task == "qa")
                {
                    var q = parse.GetValue(question) ?? throw new UsageException("This is a QA model: give --question with --text (the context).");
                    var answer = SavedQuestionAnswering.Load(dir, manifest.MaxLength).Predict([new QaExample("q", q, single, [])], allowNoAnswer: false, token)[0];
                    Console.Out.WriteLine(JsonSerializer.Serialize(new { answer = answer.Text, start = answer.Start, score = answer.Score }));
                    return ExitCodes.Success;
                }
                if (parse.GetValue(question) is not null) throw new UsageException("--question is for QA models; this one classifies.");
                var classifier = SavedClassifier.Load(dir, manifest.MaxLength);
                var p = classifier.Probabilities([(single, null)], token).Single();
                Console.Out.WriteLine(JsonSerializer.Serialize(Row(classifier, p)));
                return ExitCodes.Success;
            }
            var (inPath, outPath) = (parse.GetValue(input)!, parse.GetValue(output)!);
            int written;
            if (manifest.Task == "qa")
            {
                var (examples, _, _) = DataInputs.Squad(inPath, parse.GetValue(skipBadRows), requireAnswers: false);
                var answers = SavedQuestionAnswering.Load(dir, manifest.MaxLength).Predict(examples, allowNoAnswer: true, token);
                DataFiles.WriteAtomically(outPath, (TextWriter w) =>
                {
                    foreach (var a in answers) w.WriteLine(JsonSerializer.Serialize(new { id = a.ExampleId, answer = a.Text, start = a.Start, score = a.Score }));
                });
                written = answers.Count;
            }
            else
            {
                var (examples, _) = DataInputs.Classification(inPath, parse.GetValue(skipBadRows), requireLabels: false);
                var classifier = SavedClassifier.Load(dir, manifest.MaxLength);
                var rows = classifier.Probabilities(examples.Select(e => (e.Text, e.TextPair)), token).Select(p => Row(classifier, p)).ToList();
                DataFiles.WriteAtomically(outPath, (TextWriter w) =>
                {
                    foreach (var row in rows) w.WriteLine(JsonSerializer.Serialize(row));
                });
                written = rows.Count;
            }
            Console.Error.WriteLine($"predict: {written} prediction(s) → {outPath}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Dictionary<string, object> Row(SavedClassifier classifier, float[] probabilities)
    {
        int best = Array.IndexOf(probabilities, probabilities.Max());
        return new Dictionary<string, object>
        {
            ["label"] = classifier.Labels[best],
            ["probabilities"] = classifier.Labels.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => probabilities[x.i]),
        };
    }
}
