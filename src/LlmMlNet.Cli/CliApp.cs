// The command tree of `llmmlnet` and the one entry point that runs it. Each subcommand lives in
// Commands/ and is registered here; Run is what Program and the tests call, so an exception that
// escapes any command still ends in the exit code ExitCodeMap gives it, never in a stack trace.
using System.CommandLine;
using LlmMlNet.Cli.Commands;
using LlmMlNet.Cli.Running;

namespace LlmMlNet.Cli;

/// <summary>Builds and runs the `llmmlnet` command tree.</summary>
public static class CliApp
{
    /// <summary>The root command with every subcommand registered; `--help` and `--version` come with it.</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("llmmlnet: pre-train, fine-tune and run transformer language models for ML.NET, on the CPU.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(PretrainCommand.Create());
        root.Subcommands.Add(FinetuneCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ForwardCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>; returns the process exit code (README: 0 success, 1 usage,
    /// 2 bad data, 3 failure). Parse errors are usage errors; anything a command throws goes through ExitCodeMap.
    /// </summary>
    public static int Run(string[] args)
    {
        var parse = BuildRootCommand().Parse(args);
        try
        {
            var code = parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            return code;
        }
        catch (Exception e)
        {
            var name = parse.CommandResult.Command.Name;
            return CommandRunner.Fail(name, ExitCodeMap.For(e), ExitCodeMap.Message(e));
        }
    }
}
