// `--isa avx2`: runs both engines as an AVX2-only machine would, on a CPU that has AVX-512. Ours through the
// runtime's switch (.NET 10 reads DOTNET_EnableAVX512; DOTNET_EnableAVX512F, the .NET 8 name, is set too),
// PyTorch's through OpenBLAS's core type (Haswell kernels), ATen's and oneDNN's ISA caps. Not a CPU
// emulation: the AVX2 code runs on the AVX-512 machine's cores, caches and clocks.
using System.Diagnostics;
using System.Reflection;

namespace LlmMlNet.Benchmarks;

/// <summary>The environment that restricts both engines to AVX2, and re-running this process under it.</summary>
public static class IsaRestriction
{
    /// <summary>Variables that restrict .NET (ours) and OpenBLAS / ATen / oneDNN (PyTorch) to AVX2 + FMA.</summary>
    public static readonly IReadOnlyDictionary<string, string> Avx2Environment = new Dictionary<string, string>
    {
        ["DOTNET_EnableAVX512"] = "0",
        ["DOTNET_EnableAVX512F"] = "0",
        ["OPENBLAS_CORETYPE"] = "Haswell",
        ["ATEN_CPU_CAPABILITY"] = "avx2",
        ["ONEDNN_MAX_CPU_ISA"] = "AVX2",
    };

    /// <summary>
    /// With "--isa avx2" in <paramref name="args"/> and this process not yet restricted, re-runs the same
    /// command under <see cref="Avx2Environment"/> (children inherit it) and returns its exit code; otherwise null.
    /// </summary>
    /// <exception cref="ArgumentException">--isa names something other than avx2 or native.</exception>
    public static int? RerunIfRequested(string[] args)
    {
        var isa = args.SkipWhile(a => a != "--isa").Skip(1).FirstOrDefault() ?? "native";
        if (isa == "native") return null;
        if (isa != "avx2") throw new ArgumentException($"--isa must be avx2 or native, got '{isa}'.");
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0") return null;
        var path = Environment.ProcessPath!;
        var info = new ProcessStartInfo(path);
        if (Path.GetFileNameWithoutExtension(path) == "dotnet") info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var arg in Environment.GetCommandLineArgs().Skip(1)) info.ArgumentList.Add(arg);
        foreach (var (name, value) in Avx2Environment) info.Environment[name] = value;
        using var child = Process.Start(info)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>"--isa VALUE" removed from <paramref name="args"/> (suites that parse strict name/value pairs).</summary>
    public static string[] Strip(string[] args)
    {
        int i = Array.IndexOf(args, "--isa");
        return i < 0 ? args : [.. args[..i], .. args[Math.Min(args.Length, i + 2)..]];
    }
}
