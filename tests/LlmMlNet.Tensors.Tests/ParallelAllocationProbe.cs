// Measures managed allocation of a warmed-up action on the calling thread and process-wide.
// Deliberately reports the quietest of several windows: the runtime's tiered-JIT background worker
// allocates a Thread object whenever it restarts, which is the runtime's doing, not the code under test.
namespace LlmMlNet.Tensors.Tests;

internal static class ParallelAllocationProbe
{
    /// <summary>Fewest bytes allocated by <paramref name="action"/> x <paramref name="repeat"/> over up to 20 windows.</summary>
    public static (long Caller, long Process) QuietestWindow(Action action, int repeat)
    {
        long bestCaller = long.MaxValue, bestProcess = long.MaxValue;
        for (int window = 0; window < 20 && (bestCaller | bestProcess) != 0; window++)
        {
            if (window > 0) Thread.Sleep(25);
            long process0 = GC.GetTotalAllocatedBytes(precise: true);
            long caller0 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < repeat; i++) action();
            long caller = GC.GetAllocatedBytesForCurrentThread() - caller0;
            long process = GC.GetTotalAllocatedBytes(precise: true) - process0;
            bestCaller = Math.Min(bestCaller, caller);
            bestProcess = Math.Min(bestProcess, process);
        }
        return (bestCaller, bestProcess);
    }
}
