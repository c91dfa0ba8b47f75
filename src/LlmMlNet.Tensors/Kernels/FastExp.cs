// Vectorised single-precision exp (Cephes expf: range reduction by ln 2, degree-6 polynomial,
// exponent built from bits), about 1-2 ulp. It exists because Vector.Exp(Vector<float>) widens
// to double and is several times slower. Not for inputs below -87.3: they clamp to ~1e-38, not 0.
using System.Numerics;

namespace LlmMlNet.Tensors.Kernels;

/// <summary>Fast float exp over <see cref="Vector{T}"/> lanes.</summary>
internal static class FastExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float MaxInput = 88.3762626647949f, MinInput = -87.3365447504019f;

    /// <summary>e^x per lane; inputs are clamped to [-87.34, 88.38] (so +∞ maps to ~3.4e38 and -∞ to ~1.2e-38).</summary>
    public static Vector<float> Exp(Vector<float> x)
    {
        x = Vector.Min(Vector.Max(x, new Vector<float>(MinInput)), new Vector<float>(MaxInput));
        var fx = Vector.Floor(x * new Vector<float>(Log2E) + new Vector<float>(0.5f));
        x -= fx * new Vector<float>(Ln2Hi);
        x -= fx * new Vector<float>(Ln2Lo);
        var z = x * x;
        var y = new Vector<float>(1.9875691500E-4f);
        y = y * x + new Vector<float>(1.3981999507E-3f);
        y = y * x + new Vector<float>(8.3334519073E-3f);
        y = y * x + new Vector<float>(4.1665795894E-2f);
        y = y * x + new Vector<float>(1.6666665459E-1f);
        y = y * x + new Vector<float>(5.0000001201E-1f);
        y = y * z + x + Vector<float>.One;
        var exponent = Vector.ShiftLeft(Vector.ConvertToInt32(fx) + new Vector<int>(127), 23);
        return y * Vector.AsVectorSingle(exponent);
    }
}
