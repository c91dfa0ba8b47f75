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

    /// <summary>
    /// Runs <paramref name="work"/> (evaluation or prediction over <paramref name="total"/> items) with a progress view fed
    /// the number of items done: a bar on a terminal, about twenty plain lines when output is redirected.
    /// </summary>
    public static T RunCounted<T>(string title, int total, Func<IProgress<int>, T> work)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string Line(int done) => $"{done:N0}/{total:N0}  {done / Math.Max(1e-9, clock.Elapsed.TotalSeconds):N0}/s  ETA "
            + Eta(TimeSpan.FromSeconds(done == 0 ? 0 : clock.Elapsed.TotalSeconds / done * Math.Max(0, total - done)));
        if (Plain)
        {
            int every = Math.Max(1, total / 20), next = every;
            // Standard error: a command's standard output may be a result (the --json line) that progress must not break.
            return work(new Progress(done =>
            {
                if (done < next && done != total) return;
                next = (done / every + 1) * every;
                Console.Error.WriteLine($"{title}: {Line(done)}");
            }));
        }
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
                return work(new Progress(done =>
                {
                    task.Value = done;
                    task.Description = $"{Markup.Escape(title)} [grey]{Markup.Escape(Line(done))}[/]";
                }));
            });
    }

    /// <summary>One line of a snapshot: step, loss, tokens/s, ETA (a pass without a loss, such as embedding for feature extraction, shows batches).</summary>
    public static string Describe(TrainingProgress p) =>
        double.IsNaN(p.Loss)
            ? $"batch {p.Step}/{p.TotalSteps}  {p.TokensPerSecond:N0} tok/s  ETA {Eta(p.EstimatedRemaining)}"
            : $"step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  {p.TokensPerSecond:N0} tok/s  ETA {Eta(p.EstimatedRemaining)}";

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

    /// <summary>Reports synchronously on the calling thread (System.Progress would post to the thread pool, out of order).</summary>
    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
