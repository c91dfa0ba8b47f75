// FewRowsLinear (the decode-step affine map) against a double-precision y = x·Wᵀ + b on awkward sizes
// (odd rows, outputs not a multiple of 4, widths not a multiple of 8), with and without bias, and
// its argument checks.
using LlmMlNet.Tensors.Kernels;
using Xunit;
using static LlmMlNet.Tensors.Tests.Kernels.TestNumerics;

namespace LlmMlNet.Tensors.Tests.Kernels;

public class FewRowsLinearTests
{
    [Theory]
    [InlineData(1, 7, 5)]
    [InlineData(2, 16, 8)]
    [InlineData(3, 33, 13)]
    [InlineData(8, 64, 4099)]
    [InlineData(16, 256, 37)]
    public void Matches_a_double_precision_reference(int rows, int inFeatures, int outFeatures)
    {
        var x = RandomArray(rows * inFeatures, 1);
        var w = RandomArray(outFeatures * inFeatures, 2);
        var b = RandomArray(outFeatures, 3);
        foreach (var withBias in new[] { true, false })
        {
            var y = new float[rows * outFeatures];
            FewRowsLinear.Forward(y, x, w, withBias ? b : [], rows, inFeatures, outFeatures);
            var expected = new float[y.Length];
            for (int r = 0; r < rows; r++)
                for (int o = 0; o < outFeatures; o++)
                {
                    double s = withBias ? b[o] : 0;
                    for (int k = 0; k < inFeatures; k++) s += (double)x[r * inFeatures + k] * w[o * inFeatures + k];
                    expected[r * outFeatures + o] = (float)s;
                }
            AssertClose(expected, y, 1e-5, 1e-5);
        }
    }

    [Fact]
    public void Refuses_too_many_rows_and_short_buffers()
    {
        Assert.Throws<ArgumentException>(() => FewRowsLinear.Forward(new float[17 * 4], new float[17 * 4], new float[16], [], 17, 4, 4));
        Assert.Throws<ArgumentException>(() => FewRowsLinear.Forward(new float[4], new float[4], new float[15], [], 1, 4, 4));
        Assert.Throws<ArgumentException>(() => FewRowsLinear.Forward(new float[4], new float[4], new float[16], new float[3], 1, 4, 4));
    }
}
