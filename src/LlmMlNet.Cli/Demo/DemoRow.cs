// One line of the demo's results table and its rendering as Markdown and as a Spectre.Console table.
// Plain data plus formatting; the runs themselves happen in DemoRunner.
using System.Globalization;
using System.Text;
using LlmMlNet.Cli.Display;
using Spectre.Console;

namespace LlmMlNet.Cli.Demo;

/// <summary>A result of the demo.</summary>
/// <param name="Task">"pre-training", "sentiment" or "qa".</param>
/// <param name="Method">How it was trained.</param>
/// <param name="TrainableParameters">Parameters that received updates.</param>
/// <param name="Time">Wall time of training.</param>
/// <param name="TokensPerSecond">Training tokens per second, when the method trains token by token.</param>
/// <param name="Score">The metric, formatted ("accuracy 0.912", "EM 41.0 / F1 55.2", "loss 2.31").</param>
/// <param name="ModelFolder">Where the model was saved, or null.</param>
internal sealed record DemoRow(string Task, string Method, long TrainableParameters, TimeSpan Time, double? TokensPerSecond, string Score, string? ModelFolder)
{
    private static readonly string[] Headers = ["task", "method", "trainable params", "time", "tokens/s", "result"];

    private string[] Cells() =>
    [
        Task, Method, Counts.Parameters(TrainableParameters), Counts.Seconds(Time),
        TokensPerSecond is { } t ? t.ToString("N0", CultureInfo.InvariantCulture) : "-", Score,
    ];

    /// <summary>The rows as a GitHub Markdown table.</summary>
    public static string Markdown(IReadOnlyList<DemoRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", Headers) + " |");
        text.AppendLine("|" + string.Concat(Headers.Select(_ => "---|")));
        foreach (var row in rows) text.AppendLine("| " + string.Join(" | ", row.Cells()) + " |");
        return text.ToString();
    }

    /// <summary>The rows as a console table.</summary>
    public static Table Console(IReadOnlyList<DemoRow> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in Headers) table.AddColumn(header);
        foreach (var row in rows) table.AddRow(row.Cells().Select(Markup.Escape).ToArray());
        return table;
    }
}
