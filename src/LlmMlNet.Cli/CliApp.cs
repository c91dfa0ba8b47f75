// The command tree of `llmmlnet`. Each subcommand lives in Commands/ and is registered here.
using System.CommandLine;
using LlmMlNet.Cli.Commands;

namespace LlmMlNet.Cli;

/// <summary>Builds the `llmmlnet` command tree.</summary>
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
}
