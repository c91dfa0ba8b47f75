// A persistent, allocation-free worker pool for the engine's data-parallel loops.
// Deliberately not a scheduler: one loop at a time, items handed out dynamically from a shared counter;
// a loop started while another runs (another thread, or a nested call from inside a body) simply runs
// inline on its caller, which keeps results correct and deterministic. No Task, closure or delegate per call.
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace LlmMlNet.Tensors;

/// <summary>
/// Runs <c>body.Execute(i)</c> for every i in [0, count) on the calling thread plus up to
/// <see cref="EngineSettings.Threads"/> − 1 persistent background workers, and returns when all items are done.
/// </summary>
/// <remarks>
/// <para>Usage: declare a struct (or a <c>ref struct</c> with span fields) implementing
/// <see cref="IComputeBody"/>, fill its fields, and call <c>ComputePool.For(count, body)</c>. Size items
/// so each does at least some tens of microseconds of work; items are taken in index order from a shared
/// counter, so a slow thread simply takes fewer.</para>
/// <para>Determinism: the pool never combines results across items, so as long as each item writes its
/// own outputs (split output rows, column blocks or batch entries, never a reduction), the result is
/// bit-identical for every thread count and every run.</para>
/// <para>Allocation: after the first call (which starts the workers) a call allocates nothing on any thread,
/// unless a body throws. The first exception thrown by a body is rethrown on the caller once every
/// started item has finished; items not yet started are skipped.</para>
/// <para>Nesting and concurrency: only one loop uses the workers at a time. A loop started from inside a
/// body, or from another thread while a loop runs, executes inline on its caller (same results, one thread),
/// so kernels may call each other (e.g. a parallel layer calling <c>Gemm.Sgemm</c>) without deadlock.</para>
/// </remarks>
/// <example>
/// Row-parallel LayerNorm-style kernel, 16 rows per item:
/// <code>
/// ref struct RowsBody : IComputeBody
/// {
///     public ReadOnlySpan&lt;float&gt; X; public Span&lt;float&gt; Y; public int Rows, Cols;
///     public readonly void Execute(int item)
///     {
///         int end = Math.Min(Rows, (item + 1) * 16);
///         for (int r = item * 16; r &lt; end; r++) Normalize(X.Slice(r * Cols, Cols), Y.Slice(r * Cols, Cols));
///     }
/// }
/// ComputePool.For((rows + 15) / 16, new RowsBody { X = x, Y = y, Rows = rows, Cols = cols });
/// </code>
/// </example>
public static unsafe class ComputePool
{
    // Spins (about a microsecond each round) before a worker or the caller blocks on its event: long
    // enough to bridge back-to-back kernel calls, short enough not to starve a shared 2-core machine.
    private const int SpinRounds = 200;

    private static readonly object GrowLock = new();
    private static Worker[] _workers = [];
    private static int _busy;

    // The running loop. Written by the caller before it signals workers, read by workers after the signal.
    private static delegate*<void*, int, void> _invoke;
    private static void* _state;
    private static int _count;
    private static int _next;

    // Workers inside the running loop (low bits) plus the Closed bit, set by the caller once it finds no
    // items left. A worker that wakes after Closed never touches the loop, so the caller waits only for
    // workers that joined, never for one the OS has not scheduled yet (the common case on a loaded machine).
    private static int _gate = Closed;
    private const int Closed = 1 << 30;
    private static ExceptionDispatchInfo? _error;
    private static readonly ManualResetEventSlim Done = new(false, SpinRounds);

    /// <summary>Number of background worker threads started so far (the caller is not counted).</summary>
    public static int WorkerCount => Volatile.Read(ref _workers).Length;

    /// <summary>Runs <paramref name="body"/> for every index in [0, <paramref name="count"/>) with at most <see cref="EngineSettings.Threads"/> threads.</summary>
    /// <typeparam name="TBody">The loop body: a struct or ref struct implementing <see cref="IComputeBody"/>.</typeparam>
    /// <param name="count">Number of work items; 0 returns at once.</param>
    /// <param name="body">The body; it is copied once, so mutations made by Execute are not seen by the caller.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static void For<TBody>(int count, in TBody body) where TBody : struct, IComputeBody, allows ref struct
        => For(count, body, EngineSettings.Threads);

    /// <summary>Runs <paramref name="body"/> for every index in [0, <paramref name="count"/>) with at most <paramref name="maxThreads"/> threads.</summary>
    /// <typeparam name="TBody">The loop body: a struct or ref struct implementing <see cref="IComputeBody"/>.</typeparam>
    /// <param name="count">Number of work items; 0 returns at once.</param>
    /// <param name="body">The body; it is copied once, so mutations made by Execute are not seen by the caller.</param>
    /// <param name="maxThreads">Most threads to use, the caller included; 1 runs every item inline in index order.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or <paramref name="maxThreads"/> is below 1.</exception>
    public static void For<TBody>(int count, in TBody body, int maxThreads) where TBody : struct, IComputeBody, allows ref struct
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        // The copy lives in this frame, which outlives every worker's use of it: workers see it through a
        // raw pointer, and a stack slot never moves, while the GC still tracks the references inside it.
        TBody local = body;
        int threads = Math.Min(maxThreads, count);
        if (threads <= 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) local.Execute(i);
            return;
        }
        try
        {
            Run(count, threads - 1, &Invoke<TBody>, Unsafe.AsPointer(ref local));
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private static void Invoke<TBody>(void* state, int index) where TBody : struct, IComputeBody, allows ref struct
        => Unsafe.AsRef<TBody>(state).Execute(index);

    private static void Run(int count, int helpers, delegate*<void*, int, void> invoke, void* state)
    {
        Worker[] workers = EnsureWorkers(helpers);
        _invoke = invoke;
        _state = state;
        _count = count;
        _next = 0;
        _error = null;
        Done.Reset();
        // Publishing the open gate after the job fields lets a worker that sees it read a complete job.
        Volatile.Write(ref _gate, 0);
        for (int w = 0; w < helpers; w++) workers[w].Go.Set();
        RunItems();
        if ((Interlocked.Or(ref _gate, Closed) & ~Closed) != 0) Done.Wait();
        _invoke = null;
        _state = null;
        ExceptionDispatchInfo? error = _error;
        _error = null;
        error?.Throw();
    }

    private static void RunItems()
    {
        int count = _count;
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < count)
        {
            try
            {
                _invoke(_state, i);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(ex), null);
                Volatile.Write(ref _next, count);
            }
        }
    }

    private static bool TryJoin()
    {
        while (true)
        {
            int gate = Volatile.Read(ref _gate);
            if ((gate & Closed) != 0) return false;
            if (Interlocked.CompareExchange(ref _gate, gate + 1, gate) == gate) return true;
        }
    }

    private static Worker[] EnsureWorkers(int helpers)
    {
        Worker[] workers = Volatile.Read(ref _workers);
        if (workers.Length >= helpers) return workers;
        lock (GrowLock)
        {
            workers = _workers;
            if (workers.Length >= helpers) return workers;
            var grown = new Worker[helpers];
            workers.CopyTo(grown, 0);
            for (int w = workers.Length; w < helpers; w++) grown[w] = new Worker(w);
            Volatile.Write(ref _workers, grown);
            return grown;
        }
    }

    private static void WorkerLoop(object? self)
    {
        var worker = (Worker)self!;
        while (true)
        {
            worker.Go.Wait();
            worker.Go.Reset();
            if (!TryJoin()) continue;
            RunItems();
            if (Interlocked.Decrement(ref _gate) == Closed) Done.Set();
        }
    }

    private sealed class Worker
    {
        public readonly ManualResetEventSlim Go = new(false, SpinRounds);

        public Worker(int index)
        {
            var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"LlmMlNet compute {index + 1}" };
            thread.Start(this);
        }
    }
}
