// `llmmlnet demo`: the main job (README's first command). On the embedded synthetic data, nothing
// downloaded: pre-train, fine-tune by each method and from scratch, QA; print and save one table, the
// curves and the models. Argument handling and display only; Demo.DemoRunner composes the library.
using System.CommandLine;
using LlmMlNet.Cli.Demo;
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
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("demo", "Pre-train a small encoder on the embedded corpus, fine-tune it by each method and print the results table.")
        {
            output, quick, seed, threads,
        };
        command.SetAction(parse => CommandRunner.Execute("demo", token =>
        {
            int seedValue = parse.GetValue(seed) ?? 42;
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
}
