// KernelProfile: kernel calls are counted under their category only while enabled, and a GEMM that runs
// inside an outer timed scope is not counted a second time. Runs in the non-parallel collection because
// the profile is process-wide and other tests' kernels would otherwise count while it is on.
using LlmMlNet.Tensors.Diagnostics;
using LlmMlNet.Tensors.Kernels;
using Xunit;

namespace LlmMlNet.Tensors.Tests;

[Collection(nameof(AllocationSensitive))]
public class KernelProfileTests
{
    [Fact]
    public void Calls_are_counted_by_category_only_while_enabled_and_nested_calls_once()
    {
        float[] a = new float[64 * 64], b = new float[64 * 64], c = new float[64 * 64];
        a.AsSpan().Fill(1f);
        b.AsSpan().Fill(2f);
        try
        {
            KernelProfile.Reset();
            Gemm.Sgemm(false, false, 64, 64, 64, 1f, a, 64, b, 64, 0f, c, 64);
            Assert.Equal(0, KernelProfile.Snapshot()[KernelCategory.Gemm].Calls);

            KernelProfile.Enabled = true;
            Gemm.Sgemm(false, false, 64, 64, 64, 1f, a, 64, b, 64, 0f, c, 64);
            Residual.Forward(c, a, b, a.Length);
            using (KernelProfile.Time(KernelCategory.LayerNorm))
                Gemm.Sgemm(false, false, 64, 64, 64, 1f, a, 64, b, 64, 0f, c, 64);
            var snapshot = KernelProfile.Snapshot();
            Assert.Equal(1, snapshot[KernelCategory.Gemm].Calls);
            Assert.Equal(1, snapshot[KernelCategory.Elementwise].Calls);
            Assert.Equal(1, snapshot[KernelCategory.LayerNorm].Calls);
            Assert.True(snapshot[KernelCategory.Gemm].Time > TimeSpan.Zero);
            Assert.Equal(0, snapshot[KernelCategory.Softmax].Calls);
        }
        finally
        {
            KernelProfile.Enabled = false;
            KernelProfile.Reset();
        }
    }
}
