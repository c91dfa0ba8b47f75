// Turns Ctrl+C into a cancellation token for the duration of one command, so training stops between
// micro-batches instead of the process dying mid-write. Not a signal handler for anything else.
namespace LlmMlNet.Cli.Running;

/// <summary>Cancels <see cref="Token"/> on the first Ctrl+C while alive; a second Ctrl+C ends the process as usual.</summary>
internal sealed class CtrlCWatcher : IDisposable
{
    private readonly CancellationTokenSource _source;

    /// <summary>Starts watching; <paramref name="also"/> cancels the token too (a test's stand-in for Ctrl+C).</summary>
    public CtrlCWatcher(CancellationToken also = default)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(also);
        Console.CancelKeyPress += OnCancel;
    }

    /// <summary>Cancelled by Ctrl+C.</summary>
    public CancellationToken Token => _source.Token;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return;
        e.Cancel = true;
        Console.Error.WriteLine("Stopping after the current micro-batch (press Ctrl+C again to abort)...");
        _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }
}
