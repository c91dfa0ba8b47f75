// The loop body contract of ComputePool.For: a struct whose Execute(index) does one work item.
// Deliberately an interface implemented by structs (or ref structs holding spans), never a delegate,
// so a parallel call allocates nothing and the JIT specializes and inlines the body.
namespace LlmMlNet.Tensors;

/// <summary>
/// One work item of a <see cref="ComputePool.For{TBody}(int, in TBody)"/> loop. Implement it on a
/// struct (a <c>ref struct</c> holding spans is allowed) whose fields carry the loop's inputs and outputs.
/// </summary>
/// <remarks>
/// <see cref="Execute"/> may run on any pool thread, in any order, concurrently with other indices:
/// each index must write only outputs no other index writes, and must not depend on which thread runs it
/// (no per-worker accumulators), so results are identical for every thread count. Per-thread scratch
/// belongs in <c>[ThreadStatic]</c> fields allocated once.
/// </remarks>
public interface IComputeBody
{
    /// <summary>Does work item <paramref name="index"/>, in [0, count).</summary>
    /// <param name="index">The item to do.</param>
    void Execute(int index);
}
