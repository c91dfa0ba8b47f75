// Argument checks shared by the kernels, run before any work so a bad call throws an
// ArgumentException naming the argument and leaves every output untouched.
namespace LlmMlNet.Tensors.Kernels;

internal static class KernelArguments
{
    public static void NonNegative(int value, string name)
    {
        if (value < 0) throw new ArgumentException($"{name} must be >= 0, got {value}.", name);
    }

    public static int Product(int a, int b, string nameA, string nameB)
    {
        NonNegative(a, nameA);
        NonNegative(b, nameB);
        long p = (long)a * b;
        if (p > int.MaxValue) throw new ArgumentException($"{nameA} * {nameB} = {p} exceeds int.MaxValue.", nameA);
        return (int)p;
    }

    public static void AtLeast(int length, int needed, string name)
    {
        if (length < needed)
            throw new ArgumentException($"{name} has {length} elements but the shape needs {needed}.", name);
    }

    public static void SameLength(int length, int expected, string name, string otherName)
    {
        if (length != expected)
            throw new ArgumentException($"{name} has {length} elements but {otherName} has {expected}.", name);
    }
}
