// The error function in double precision for the naive twins and tests (.NET has no Math.Erf).
// Accurate to about 1e-15 absolute; not the fast path (Gelu uses a float approximation).
namespace LlmMlNet.Tensors.Kernels;

/// <summary>Double-precision error function.</summary>
public static class Erf
{
    /// <summary>
    /// erf(x) by the all-positive series erf(x) = 2/√π · e^(-x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)),
    /// which has no cancellation; |x| ≥ 6 returns ±1 (erfc(6) ≈ 2e-17).
    /// </summary>
    public static double Double(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double a = Math.Abs(x);
        if (a >= 6) return Math.Sign(x);
        double term = a, sum = a;
        for (int n = 1; n < 500 && term > 1e-17 * sum; n++)
        {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        double r = 2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a) * sum;
        return x < 0 ? -r : r;
    }
}
