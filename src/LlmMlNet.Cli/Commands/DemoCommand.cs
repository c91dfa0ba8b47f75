// `llmmlnet demo`: the main job (README's first command). On the embedded synthetic data, nothing
// downloaded: pre-train, fine-tune by each method and from scratch, QA; print and save one table, the
// curves and the models. `--real` runs the pre-training claim on the user's own files instead (Demo.RealDemoRunner).
// Argument handling and display only; the runners compose the library.
using System.CommandLine;
using LlmMlNet.Cli.Demo;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Running;
using Spectre.Console;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `demo` command.</summary>
public static class DemoCommand
{
    /// <summary>Creates the `demo` command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--output") { Description = "Folder for data, models, results.md and curves.svg (default ./demo-output).", DefaultValueFactory = _ => "demo-output" };
        var quick = new Option<bool>("--quick") { Description = "A seconds-long version with tiny data (what the tests run)." };
        var generative = new Option<bool>("--generative")
        {
            Description = "The generative story instead: pre-train a tiny GPT on a made-up bank's rules, SFT it on questions, DPO it to cite the rule.",
        };
        var real = new Option<bool>("--real") { Description = "Run the recipe on your own files: pre-train on --unlabeled, fine-tune on --train (full, LoRA, and from scratch), score on --test." };
        var unlabeled = new Option<string[]>("--unlabeled") { Description = "With --real: unlabeled text, .txt (one example a line) or the text column of .tsv/.csv/.jsonl.", AllowMultipleArgumentsPerToken = true };
        var train = new Option<string>("--train") { Description = "With --real: labeled training data (as for finetune)." };
        var test = new Option<string>("--test") { Description = "With --real: labeled test data, never trained on." };
        var tokenizer = new Option<string>("--tokenizer") { Description = "With --real: tokenizer.json or a tokenizer folder (e.g. bert-base-uncased's vocab.txt)." };
        var steps = CommonOptions.Int("--steps", $"With --real: masked-LM pre-training steps (default {RealDemoSettings.Full().PretrainSteps}).");
        var curveEvery = CommonOptions.Int("--curve-every", $"With --real: fine-tune a pre-training checkpoint every N steps for the accuracy curve (default {RealDemoSettings.Full().CurveEvery}).");
        var json = CommonOptions.Json();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("demo", "Pre-train a small encoder on the embedded corpus (or, with --real, on your files), fine-tune it by each method and print the results table.")
        {
            output, quick, generative, real, unlabeled, train, test, tokenizer, steps, curveEvery, json, seed, threads,
        };
        command.Validators.Add(result =>
        {
            bool isReal = result.GetResult(real) is not null && result.GetValue(real);
            string[] needs = ["--unlabeled", "--train", "--test", "--tokenizer"];
            Option[] options = [unlabeled, train, test, tokenizer];
            Option[] extras = [steps, curveEvery];
            if (isReal && result.GetResult(generative) is not null && result.GetValue(generative))
                result.AddError("Give --real or --generative, not both.");
            else if (isReal && options.Any(o => result.GetResult(o) is null))
                result.AddError($"--real needs {string.Join(", ", needs.Where((_, i) => result.GetResult(options[i]) is null))}.");
            else if (!isReal && options.Concat(extras).Any(o => result.GetResult(o) is not null))
                result.AddError("--unlabeled, --train, --test, --tokenizer, --steps and --curve-every go with --real.");
        });
        command.SetAction(parse => CommandRunner.Execute("demo", token =>
        {
            int seedValue = parse.GetValue(seed) ?? 42;
            if (parse.GetValue(real))
            {
                var recipe = parse.GetValue(quick) ? RealDemoSettings.Quick() : RealDemoSettings.Full();
                recipe = recipe with
                {
                    PretrainSteps = parse.GetValue(steps) ?? recipe.PretrainSteps,
                    CurveEvery = parse.GetValue(curveEvery) ?? recipe.CurveEvery,
                };
                return RunReal(recipe,
                    new RealDemoFiles(parse.GetValue(unlabeled)!, parse.GetValue(train)!, parse.GetValue(test)!, parse.GetValue(tokenizer)!),
                    Path.GetFullPath(parse.GetValue(output)!), parse.GetValue(threads), (ulong)seedValue, parse.GetValue(json), token);
            }
            if (parse.GetValue(generative))
            {
                var generativeReport = new GenerativeDemo(parse.GetValue(quick) ? GenerativeDemoSettings.Quick : GenerativeDemoSettings.Full,
                    Path.GetFullPath(parse.GetValue(output)!), parse.GetValue(threads), (ulong)seedValue).Run(token);
                if (Console.IsOutputRedirected) Console.Out.Write(DemoRow.Markdown(generativeReport.Rows));
                else AnsiConsole.Write(DemoRow.Console(generativeReport.Rows));
                Console.Out.WriteLine($"demo: done in {generativeReport.Elapsed.TotalSeconds:0}s; table {generativeReport.MarkdownPath}");
                return ExitCodes.Success;
            }
            var settings = parse.GetValue(quick) ? DemoSettings.Quick(seedValue) : DemoSettings.Full(seedValue);
            OutputPaths.RequireWritableFolder(parse.GetValue(output), "--output");
            var dir = Path.GetFullPath(parse.GetValue(output)!);
            var report = new DemoRunner(settings, dir, parse.GetValue(threads), (ulong)seedValue).Run(token);
            if (Console.IsOutputRedirected) Console.Out.Write(DemoRow.Markdown(report.Rows));
            else AnsiConsole.Write(DemoRow.Console(report.Rows));
            Console.Out.WriteLine($"demo: done in {report.Elapsed.TotalSeconds:0}s; table {report.MarkdownPath}, curves {report.SvgPath}");
            if (report.Hint is { } hint)
                Console.Out.WriteLine($"demo: try  llmmlnet predict --model {hint.ModelFolder} --text \"{hint.Text}\"  (a test sentence; expected: {hint.Label})");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static int RunReal(RealDemoSettings settings, RealDemoFiles files, string dir, int? threads, ulong seed, bool json, CancellationToken token)
    {
        var report = new RealDemoRunner(settings, files, dir, threads, seed).Run(token);
        if (Console.IsOutputRedirected) Console.Out.Write(DemoRow.Markdown(report.Rows));
        else AnsiConsole.Write(DemoRow.Console(report.Rows));
        Console.Out.WriteLine($"demo: table {report.MarkdownPath}, loss curves {report.SvgPath}, accuracy against pre-training steps {report.AccuracySvgPath}");
        if (json) JsonResult.Write(report.Fields);
        return ExitCodes.Success;
    }
}
