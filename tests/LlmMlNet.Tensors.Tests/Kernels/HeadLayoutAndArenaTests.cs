// Head split/merge against index arithmetic on awkward shapes (and merge ∘ split = identity),
// and the arena's Rewind: overlapping scratch, high-water sizing.
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;
using Xunit;
using static LlmMlNet.Tensors.Tests.Kernels.TestNumerics;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class HeadLayoutAndArenaTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 7, 3, 5)]
    [InlineData(3, 17, 4, 16)]
    [InlineData(0, 5, 2, 2)]
    public void Split_moves_each_head_slice_and_merge_inverts_it(int batch, int seq, int heads, int headSize)
    {
        int c = heads * headSize, n = batch * seq * c;
        var x = RandomArray(n, n + 1);
        var split = new float[n];
        HeadLayout.Split(split, x, batch, seq, heads, headSize);
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < seq; t++)
                for (int h = 0; h < heads; h++)
                    for (int d = 0; d < headSize; d++)
                        Assert.Equal(x[(b * seq + t) * c + h * headSize + d], split[((b * heads + h) * seq + t) * headSize + d]);
        var merged = new float[n];
        HeadLayout.Merge(merged, split, batch, seq, heads, headSize);
        Assert.Equal(x, merged);
        if (n > 0)
            Assert.Equal("output", Assert.Throws<ArgumentException>(() => HeadLayout.Split(new float[n - 1], x, batch, seq, heads, headSize)).ParamName);
    }

    [Fact]
    public void Shared_groups_overlay_every_group_on_one_region_and_leave_other_buffers_alone()
    {
        var arena = new ActivationArena();
        var before = arena.Reserve(8);
        arena.BeginGroup();
        var g0a = arena.Reserve(16);
        var g0b = arena.Reserve(16);
        arena.EndGroup();
        arena.BeginGroup();
        var g1a = arena.Reserve(16);
        var g1b = arena.Reserve(16);
        arena.EndGroup();
        var after = arena.Reserve(8);
        Assert.Throws<InvalidOperationException>(() => arena.EndGroup());
        arena.Commit();
        Assert.Equal(before.Offset + 16 + 64 + 16, arena.ReservedLength);

        g0a.Span.Fill(1f); g0b.Span.Fill(2f); g1a.Span.Fill(3f); g1b.Span.Fill(4f); before.Span.Fill(7f); after.Span.Fill(8f);
        arena.SharedGroups = true;
        g1a.Span.Fill(5f);
        Assert.Equal(5f, g0a.Span[3]); // the same memory: group 1 overlays group 0
        Assert.Equal(2f, g1b.Span[0]); // the second buffer of each group shares too, with group 0's values
        Assert.Equal(7f, before.Span[0]);
        Assert.Equal(8f, after.Span[0]);
        arena.SharedGroups = false;
        Assert.Equal(3f, g1a.Span[0]); // its own memory is untouched
        Assert.Equal(5f, g0a.Span[0]);
    }

    [Fact]
    public void A_larger_later_group_gets_a_shared_region_of_its_own()
    {
        var arena = new ActivationArena();
        arena.BeginGroup();
        var small = arena.Reserve(16);
        arena.EndGroup();
        var outside = arena.Reserve(16);
        arena.BeginGroup();
        var large = arena.Reserve(48);
        arena.EndGroup();
        arena.Commit();
        arena.SharedGroups = true;
        outside.Span.Fill(9f);
        large.Span.Fill(1f);
        Assert.Equal(9f, outside.Span[0]);
        Assert.Equal(1f, small.Span[0]);
        Assert.Throws<InvalidOperationException>(() => arena.BeginGroup());
    }

    [Fact]
    public void Rewind_overlaps_scratch_and_commit_sizes_to_the_high_water_mark()
    {
        var scratch = new ActivationArena();
        long start = scratch.Position;
        var a = scratch.Reserve(100);
        scratch.Rewind(start);
        var b = scratch.Reserve(40);
        Assert.Equal(a.Offset, b.Offset);
        scratch.Commit();
        Assert.Equal(112, scratch.ReservedLength);
        a.Span[0] = 5f;
        Assert.Equal(5f, b.Span[0]);
        Assert.Throws<InvalidOperationException>(() => scratch.Rewind(0));
        Assert.Throws<ArgumentException>(() => new ActivationArena().Rewind(1));
    }
}

public class FastExpTests
{
    [Fact]
    public void Fast_exp_is_within_a_few_ulps_of_double_exp_over_the_float_range()
    {
        // Relative error bound 4e-7 (about 3 ulps); sampled densely over [-87, 88].
        for (double x = -87; x <= 88; x += 0.0137)
        {
            float got = FastExp.Exp(new System.Numerics.Vector<float>((float)x))[0];
            double want = Math.Exp((float)x);
            Assert.True(Math.Abs(got - want) <= 4e-7 * want, $"exp({(float)x}) = {want}, got {got}");
        }
        Assert.True(FastExp.Exp(new System.Numerics.Vector<float>(float.NegativeInfinity))[0] < 1e-37f);
    }
}
