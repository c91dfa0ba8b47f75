// The machine-readable result of a command: one JSON object with snake_case fields, written as the
// last line of standard output (`--json`). Not a schema: each command picks its fields.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmMlNet.Cli.Display;

/// <summary>Builds and prints the one-line JSON result.</summary>
internal static class JsonResult
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    /// <summary>Serializes <paramref name="fields"/> (in insertion order) to one line.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        var ordered = new Dictionary<string, object?>(fields);
        return JsonSerializer.Serialize(ordered, Options);
    }

    /// <summary>Prints <paramref name="fields"/> as the last line of standard output.</summary>
    public static void Write(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        Console.Out.Flush();
        Console.Out.WriteLine(Format(fields));
        Console.Out.Flush();
    }

    /// <summary>The process's peak working set in MiB (what `peak_memory_mb` reports).</summary>
    public static double PeakMemoryMb()
    {
        using var process = Process.GetCurrentProcess();
        return Math.Round(process.PeakWorkingSet64 / (1024.0 * 1024.0), 1);
    }
}
