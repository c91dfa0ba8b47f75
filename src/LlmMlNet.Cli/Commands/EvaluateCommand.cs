// `llmmlnet evaluate`: scores a fine-tuned model folder on a labeled file: accuracy, macro-F1, AUC and
// log-loss for classification, exact match and F1 (0-100) for SQuAD; for a causal LM (GPT-2) perplexity of
// text, exact match and response perplexity of SFT data, or preference accuracy of DPO data. Argument handling and display only.
using System.CommandLine;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Models;
using LlmMlNet.Cli.Running;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Tasks.Generative;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `evaluate` command.</summary>
public static class EvaluateCommand
{
    /// <summary>Creates the `evaluate` command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model folder written by `finetune` or `pretrain`, or a Hugging Face sequence-classification or GPT-2 folder.", Required = true };
        var data = new Option<string>("--data") { Description = "Labeled data: TSV/CSV/JSONL for classification, SQuAD JSON for QA; for a causal LM, text (perplexity), "
            + "SFT JSONL (exact match, response perplexity) or preference JSONL (preference accuracy).", Required = true };
        var reference = new Option<string>("--reference") { Description = "Preference data: the reference model folder of the implicit reward (default: the starting model the folder records)." };
        var beta = CommonOptions.PositiveFloat("--beta", "Preference data: beta of the implicit reward (default 0.1).");
        var maxNewTokens = CommonOptions.Int("--max-new-tokens", "SFT data: most tokens generated per response (default 64).");
        var batchSize = CommonOptions.Int("--batch-size", "Causal LM: sequences per batch (default 8).");
        var json = CommonOptions.Json();
        var skipBadRows = CommonOptions.SkipBadRows();
        var command = new Command("evaluate", "Evaluate a fine-tuned model on a labeled file.") { model, data, reference, beta, maxNewTokens, batchSize, json, skipBadRows };
        command.SetAction(parse => CommandRunner.Execute("evaluate", token =>
        {
            var (dir, path) = (parse.GetValue(model)!, parse.GetValue(data)!);
            var manifest = ModelFolders.Open(dir);
            var fields = new List<KeyValuePair<string, object?>>();
            int count, skipped;
            // A causal LM: saved by SFT/DPO, or a plain GPT-2 folder (e.g. from `pretrain`) without a task manifest.
            if (manifest.Task == CausalLanguageModel.TaskName || !File.Exists(Path.Combine(dir, TaskModelManifest.FileName))
                && TransformerConfigReader.Read(Path.Combine(dir, "config.json")).Family == ModelFamily.Gpt2)
            {
                fields = GenerativeRuns.Evaluate(dir, manifest, path, parse.GetValue(reference), parse.GetValue(beta) ?? DpoOptions.Defaults.Beta,
                    parse.GetValue(maxNewTokens) ?? 64, parse.GetValue(batchSize) ?? 8, token);
                foreach (var (name, value) in fields) Console.Out.WriteLine($"{name,-20} {value}");
                if (parse.GetValue(json)) JsonResult.Write(fields);
                return ExitCodes.Success;
            }
            if (manifest.Task == TaskModelManifest.QuestionAnswering)
            {
                var file = DataInputs.Squad(path, parse.GetValue(skipBadRows));
                var qa = QuestionAnswering.Load(dir);
                var m = DataInputs.Guard(path, () => TrainingDisplay.RunCounted("evaluate", file.Examples.Count, progress => qa.Evaluate(file.Examples, file.Version, null, token, progress)));
                (count, skipped) = (m.Count, file.Skipped);
                fields.Add(new("exact_match", Math.Round(m.ExactMatch, 4)));
                fields.Add(new("f1", Math.Round(m.F1, 4)));
            }
            else
            {
                var file = DataInputs.Classification(path, parse.GetValue(skipBadRows));
                var classifier = TextClassifier.Load(dir);
                DataInputs.RequireKnownLabels(file, classifier.Labels, $"the labels the model was trained on");
                var m = DataInputs.Guard(path, () => TrainingDisplay.RunCounted("evaluate", file.Count, progress => classifier.Evaluate(file.Examples, token, progress)));
                (count, skipped) = (m.Count, file.Skipped);
                fields.Add(new("accuracy", Math.Round(m.Accuracy, 6)));
                fields.Add(new("macro_f1", Math.Round(m.MacroF1, 6)));
                fields.Add(new("auc", m.Auc is { } auc ? Math.Round(auc, 6) : null));
                fields.Add(new("log_loss", Math.Round(m.LogLoss, 6)));
            }
            foreach (var (name, value) in fields) Console.Out.WriteLine($"{name,-12} {value}");
            Console.Out.WriteLine($"{"examples",-12} {count}" + (skipped > 0 ? $" ({skipped} bad rows skipped)" : ""));
            fields.Add(new("examples", count));
            fields.Add(new("skipped_rows", skipped));
            if (parse.GetValue(json)) JsonResult.Write(fields);
            return ExitCodes.Success;
        }));
        return command;
    }
}
