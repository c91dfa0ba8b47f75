using LlmMlNet.Tensors;
using Xunit;

namespace LlmMlNet.Tensors.Tests;

public class GemmReferenceTests
{
    [Fact]
    public void Multiplies_a_known_2x3_by_3x2_product()
    {
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [7, 8, 9, 10, 11, 12];
        var c = new float[4];
        GemmReference.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2);
        Assert.Equal(new float[] { 58, 64, 139, 154 }, c);
    }

    [Fact]
    public void Rejects_a_buffer_too_short_for_its_shape_before_touching_c()
    {
        var c = new float[] { 42, 42, 42, 42 };
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(false, false, 2, 2, 3, 1f, new float[5], 3, new float[6], 2, 0f, c, 2));
        Assert.Equal("a", ex.ParamName);
        Assert.All(c, v => Assert.Equal(42f, v));
    }
}
