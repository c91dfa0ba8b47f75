// The one exception-to-exit-code map of `llmmlnet`: every command's body runs through CommandRunner,
// and CliApp.Run catches whatever escapes a command that does not, so both agree with the README's table.
// Not a retry or logging facility: the library's message (which names the file and field or line) is shown as is.
using System.Text.Json;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Cli.Running;

/// <summary>Maps an exception thrown by a command to the documented exit code.</summary>
internal static class ExitCodeMap
{
    /// <summary>
    /// The exit code for <paramref name="error"/>: 1 usage (bad option, missing or unusable path), 2 bad data
    /// (a malformed or unsupported input file), 3 anything else (I/O failure, divergence, cancellation, a bug).
    /// </summary>
    public static int For(Exception error) => error switch
    {
        UsageException => ExitCodes.Usage,
        DataFormatException or TokenizerFormatException or InvalidDataException or JsonException or Tokenize.TokenizeInputException => ExitCodes.BadData,
        // Formats and fields we refuse (pickle without the zip layout, F64 weights, unknown activations):
        // the input cannot be used as given, which is what exit 2 says.
        NotSupportedException => ExitCodes.BadData,
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or PathTooLongException => ExitCodes.Usage,
        ArgumentException => ExitCodes.Usage,
        _ => ExitCodes.Failure,
    };

    /// <summary>
    /// The one line shown on standard error for <paramref name="error"/>; with the environment variable
    /// LLMMLNET_DEBUG=1 the stack trace follows it (for bug reports).
    /// </summary>
    public static string Message(Exception error) =>
        Environment.GetEnvironmentVariable("LLMMLNET_DEBUG") == "1" ? $"{Line(error)}{Environment.NewLine}{error}" : Line(error);

    private static string Line(Exception error) => error switch
    {
        // Anything not raised on purpose by the libraries is a bug: name its type so a report can find it.
        NullReferenceException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException or OverflowException
            => $"internal error ({error.GetType().Name}): {error.Message}",
        _ => error.Message,
    };
}
