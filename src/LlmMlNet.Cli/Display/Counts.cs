// Small formatting helpers shared by the commands' human-readable output (parameter counts, times).
// Not a table renderer: Spectre.Console draws tables.
namespace LlmMlNet.Cli.Display;

/// <summary>Human-readable numbers.</summary>
internal static class Counts
{
    /// <summary>1234567 → "1.23M", 12345 → "12.3K".</summary>
    public static string Parameters(long n) => n switch
    {
        >= 1_000_000 => $"{n / 1e6:0.##}M",
        >= 10_000 => $"{n / 1e3:0.#}K",
        _ => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Seconds with one decimal.</summary>
    public static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.0}s";
}
