// `llmmlnet demo`: the main job. It grows with the library (issue 7); today it reports what exists.
using System.CommandLine;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `demo` command.</summary>
public static class DemoCommand
{
    /// <summary>Creates the `demo` command.</summary>
    public static Command Create()
    {
        var command = new Command("demo", "Pre-train a small encoder on the embedded corpus, fine-tune it by each method and print the results table.");
        command.SetAction(_ =>
        {
            Console.WriteLine("llmmlnet demo: the end-to-end demo is not built yet (see issue 7).");
            return ExitCodes.Failure;
        });
        return command;
    }
}
