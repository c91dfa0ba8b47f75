// Entry point of `llmmlnet`: builds the root command from the command files and runs it.
// Commands hold argument handling and display only; the work happens in the libraries.
using System.CommandLine;
using LlmMlNet.Cli;

return CliApp.BuildRootCommand().Parse(args).Invoke();
