// ComputePool and EngineSettings: every index runs exactly once for any thread count, ref-struct bodies
// with spans work, nested and concurrent loops fall back to inline, exceptions reach the caller, and
// bad arguments are rejected.
using LlmMlNet.Tensors;
using Xunit;

namespace LlmMlNet.Tensors.Tests;

public class ParallelTests
{
    private struct CountVisits : IComputeBody
    {
        public int[] Visits;

        public readonly void Execute(int index) => Interlocked.Increment(ref Visits[index]);
    }

    private ref struct SquareInto : IComputeBody
    {
        public ReadOnlySpan<float> Source;
        public Span<float> Target;

        public readonly void Execute(int index)
        {
            // One row of 16 per item: items write disjoint slices.
            for (int i = index * 16; i < index * 16 + 16; i++) Target[i] = Source[i] * Source[i];
        }
    }

    private struct Nested : IComputeBody
    {
        public int[] Visits;

        public readonly void Execute(int index)
        {
            // Each outer index owns 10 inner slots; the inner loop runs inline because the pool is busy.
            ComputePool.For(10, new Slice { Visits = Visits, Offset = index * 10 }, 2);
        }
    }

    private struct Slice : IComputeBody
    {
        public int[] Visits;
        public int Offset;

        public readonly void Execute(int index) => Interlocked.Increment(ref Visits[Offset + index]);
    }

    private struct ThrowAt : IComputeBody
    {
        public int Bad;

        public readonly void Execute(int index)
        {
            if (index == Bad) throw new InvalidOperationException($"item {index}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Runs_every_index_exactly_once(int threads)
    {
        foreach (int count in new[] { 0, 1, 3, 1000 })
        {
            var visits = new int[count];
            ComputePool.For(count, new CountVisits { Visits = visits }, threads);
            Assert.All(visits, v => Assert.Equal(1, v));
        }
    }

    private struct RecordThread : IComputeBody
    {
        public int[] ThreadIds;

        public readonly void Execute(int index)
        {
            Thread.SpinWait(20_000);
            ThreadIds[index] = Environment.CurrentManagedThreadId;
        }
    }

    [Fact]
    public void Background_workers_take_items_when_two_threads_are_allowed()
    {
        // On a loaded machine a worker may miss a whole loop (the caller never waits for it), so retry.
        var ids = new int[32];
        for (int attempt = 0; attempt < 200; attempt++)
        {
            ComputePool.For(ids.Length, new RecordThread { ThreadIds = ids }, 2);
            if (ids.Distinct().Count() > 1) return;
        }
        Assert.Fail("every item of 200 loops ran on the calling thread");
    }

    [Fact]
    public void A_ref_struct_body_reads_and_writes_spans()
    {
        float[] source = Enumerable.Range(0, 64 * 16).Select(i => (float)i).ToArray();
        var target = new float[source.Length];
        ComputePool.For(64, new SquareInto { Source = source, Target = target }, 2);
        for (int i = 0; i < source.Length; i++) Assert.Equal(source[i] * source[i], target[i]);
    }

    [Fact]
    public void Nested_loops_run_inline_and_still_visit_everything()
    {
        var visits = new int[40 * 10];
        ComputePool.For(40, new Nested { Visits = visits }, 2);
        Assert.All(visits, v => Assert.Equal(1, v));
    }

    [Fact]
    public void Concurrent_callers_each_get_all_their_items()
    {
        var first = new int[5000];
        var second = new int[5000];
        var other = new Thread(() => ComputePool.For(second.Length, new CountVisits { Visits = second }, 2));
        other.Start();
        ComputePool.For(first.Length, new CountVisits { Visits = first }, 2);
        other.Join();
        Assert.All(first, v => Assert.Equal(1, v));
        Assert.All(second, v => Assert.Equal(1, v));
    }

    [Fact]
    public void A_body_exception_reaches_the_caller_and_the_pool_stays_usable()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ComputePool.For(100, new ThrowAt { Bad = 37 }, 2));
        Assert.Equal("item 37", ex.Message);
        var visits = new int[100];
        ComputePool.For(100, new CountVisits { Visits = visits }, 2);
        Assert.All(visits, v => Assert.Equal(1, v));
    }

    [Fact]
    public void Rejects_negative_counts_and_thread_limits_below_one()
    {
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => ComputePool.For(-1, new CountVisits { Visits = [] }, 2)).ParamName);
        Assert.Equal("maxThreads", Assert.Throws<ArgumentOutOfRangeException>(() => ComputePool.For(1, new CountVisits { Visits = [0] }, 0)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => EngineSettings.Threads = 0).ParamName);
        Assert.True(EngineSettings.Threads >= 1);
    }
}

[Collection(nameof(AllocationSensitive))]
public class ParallelAllocationTests
{
    private struct AddOne : IComputeBody
    {
        public float[] Data;

        public readonly void Execute(int index)
        {
            for (int i = index * 256; i < index * 256 + 256; i++) Data[i] += 1f;
        }
    }

    [Fact]
    public void A_warm_pool_call_allocates_nothing_anywhere()
    {
        var data = new float[64 * 256];
        var body = new AddOne { Data = data };
        int calls = 0;
        void Loop()
        {
            ComputePool.For(64, body, 2);
            calls++;
        }
        for (int i = 0; i < 10; i++) Loop();
        var (bestCaller, best) = ParallelAllocationProbe.QuietestWindow(Loop, 50);
        Assert.Equal(0, bestCaller);
        Assert.Equal(0, best);
        Assert.All(data, v => Assert.Equal(calls, v));
    }
}
