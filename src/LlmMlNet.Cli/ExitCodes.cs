// Process exit codes shared by every command, as documented in the README.
namespace LlmMlNet.Cli;

/// <summary>Exit codes of `llmmlnet`.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;
    /// <summary>The command line was wrong (unknown option, missing argument, conflicting options).</summary>
    public const int Usage = 1;
    /// <summary>An input file was malformed; the message names the file and line.</summary>
    public const int BadData = 2;
    /// <summary>Anything else went wrong.</summary>
    public const int Failure = 3;
}
