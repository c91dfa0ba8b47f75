// Runs an external command (dotnet pack, dotnet build/run, dotnet-repl) for the packaging and notebook tests,
// with a timeout, extra environment variables and the combined output kept for the failure message.
using System.Diagnostics;

namespace LlmMlNet.Cli.Tests.Packaging;

internal sealed record ProcessResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;
}

internal static class ProcessRunner
{
    /// <summary>Runs <paramref name="file"/> and waits; a run past <paramref name="timeout"/> is killed and reported as exit code -1.</summary>
    public static ProcessResult Run(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // The test host's MSBuild settings would otherwise leak into the child builds.
        info.Environment.Remove("MSBuildExtensionsPath");
        info.Environment.Remove("MSBuildSDKsPath");
        info.Environment.Remove("MSBUILD_EXE_PATH");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ProcessResult(-1, $"{file} {string.Join(' ', arguments)}: timed out after {timeout}\n{stdout.Result}\n{stderr.Result}", watch.Elapsed);
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, $"{file} {string.Join(' ', arguments)} (exit {process.ExitCode})\n{stdout.Result}\n{stderr.Result}", watch.Elapsed);
    }
}
