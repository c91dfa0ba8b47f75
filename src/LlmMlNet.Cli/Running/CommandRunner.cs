// Runs a command body with Ctrl+C turned into cancellation, and turns what it throws into the documented
// exit codes through ExitCodeMap (bad data → 2 naming file and line, bad options or paths → 1, else → 3).
// Not a retry or logging framework: the message of the library's exception is shown as is.

namespace LlmMlNet.Cli.Running;

/// <summary>The wrapper every command body runs in (cancellation plus <see cref="ExitCodeMap"/>).</summary>
internal static class CommandRunner
{
    /// <summary>
    /// Runs <paramref name="body"/> with a token that Ctrl+C cancels, and maps exceptions to exit codes.
    /// </summary>
    public static int Execute(string command, Func<CancellationToken, int> body)
    {
        using var cancel = new CtrlCWatcher(TestCancellation);
        try
        {
            return body(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.Token.IsCancellationRequested)
        {
            return Fail(command, ExitCodes.Failure, "cancelled (Ctrl+C); training saved a checkpoint of its last finished step in OUTPUT/checkpoints: run the same command with --resume to continue.");
        }
        catch (Exception e)
        {
            return Fail(command, ExitCodeMap.For(e), ExitCodeMap.Message(e));
        }
    }

    /// <summary>
    /// A token that cancels commands as Ctrl+C does (tests drive the cancellation path with it); default none.
    /// </summary>
    internal static CancellationToken TestCancellation { get; set; }

    /// <summary>Writes "command: message" on standard error and returns <paramref name="code"/>.</summary>
    public static int Fail(string command, int code, string message)
    {
        Console.Error.WriteLine($"{command}: {message}");
        return code;
    }
}

/// <summary>A command-line combination the parser cannot reject by itself (exit code 1).</summary>
internal sealed class UsageException(string message) : Exception(message);
