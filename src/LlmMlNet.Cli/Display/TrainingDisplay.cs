// Shows a training run's progress: a Spectre.Console progress bar (step, loss, tokens/s, ETA) on a
// terminal, plain lines (about twenty per run, plus the last step) when output is redirected.
// Not the training loop: it only renders the TrainingProgress snapshots the Trainer reports.
using LlmMlNet.Transformers.Training;
using Spectre.Console;

namespace LlmMlNet.Cli.Display;

/// <summary>Runs a piece of training work with a progress view around it.</summary>
internal static class TrainingDisplay
{
    /// <summary>True when progress should be plain lines (output redirected, or no interactive terminal).</summary>
    public static bool Plain => Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/>, handing it the progress sink for <paramref name="title"/>.</summary>
    public static T Run<T>(string title, Func<IProgress<TrainingProgress>, T> work)
    {
        if (Plain) return work(new PlainLines(title));
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context => work(new Bar(context.AddTask(Markup.Escape(title), maxValue: 1), title)));
    }

    /// <summary>One line of a snapshot: step, loss, tokens/s, ETA.</summary>
    public static string Describe(TrainingProgress p) =>
        $"step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  {p.TokensPerSecond:N0} tok/s  ETA {Eta(p.EstimatedRemaining)}";

    private static string Eta(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");

    private sealed class PlainLines(string title) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            int every = Math.Max(1, value.TotalSteps / 20);
            if (value.Step % every != 0 && value.Step != value.TotalSteps && value.Evaluation is null) return;
            var evaluation = value.Evaluation is { } metrics ? "  " + string.Join("  ", metrics.Select(m => $"{m.Key} {m.Value:F4}")) : "";
            Console.Out.WriteLine($"{title}: {Describe(value)}{evaluation}");
        }
    }

    private sealed class Bar(ProgressTask task, string title) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            task.MaxValue = Math.Max(1, value.TotalSteps);
            task.Value = value.Step;
            task.Description = $"{Markup.Escape(title)} [grey]{Markup.Escape(Describe(value))}[/]";
        }
    }
}
