// Entry point of `llmmlnet`: runs the command tree through CliApp.Run, which owns the exit codes.
// Commands hold argument handling and display only; the work happens in the libraries.
using LlmMlNet.Cli;

return CliApp.Run(args);
