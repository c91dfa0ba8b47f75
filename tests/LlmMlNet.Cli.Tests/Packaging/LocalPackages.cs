// The packages as a user gets them: `dotnet pack LlmMlNet.Packages.slnf` (from the build this test run made,
// --no-build) into artifacts/packages, once per test process, and a private NuGet cache (artifacts/nuget-cache)
// from which our packages are removed first, because NuGet's global cache keeps the first copy of a version
// and would hide a re-packed 0.1.0. Microsoft.ML and the other served packages stay cached there between runs.
using LlmMlNet.TestSupport;

namespace LlmMlNet.Cli.Tests.Packaging;

internal static class LocalPackages
{
    /// <summary>The version our packages carry (Directory.Build.props).</summary>
    public const string Version = "0.1.0";

    /// <summary>The package ids that <c>LlmMlNet.Packages.slnf</c> produces.</summary>
    public static readonly string[] Ids =
        ["LlmMlNet.Tensors", "LlmMlNet.Tokenizers", "LlmMlNet.Tokenizers.MLTokenizers", "LlmMlNet.Transformers", "LlmMlNet.ML", "LlmMlNet.Onnx", "LlmMlNet.Workbench"];

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly Lazy<string> Packed = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> Cache = new(PrepareCache, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding the freshly packed .nupkg/.snupkg files (packs on first use; throws with pack's output on failure).</summary>
    public static string Folder => Packed.Value;

    /// <summary>A NUGET_PACKAGES folder without any LlmMlNet package in it (so restores take the fresh ones).</summary>
    public static string PrivateCache => Cache.Value;

    /// <summary>Environment for child processes that restore our packages.</summary>
    public static IReadOnlyDictionary<string, string> RestoreEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PrivateCache };

    /// <summary>The repository's solution filter listing the packable libraries.</summary>
    public static string SolutionFilter => Path.Combine(RepoPaths.Root, "LlmMlNet.Packages.slnf");

    private static string Pack()
    {
        string folder = Path.Combine(RepoPaths.Root, "artifacts", "packages");
        foreach (var old in Directory.Exists(folder) ? Directory.GetFiles(folder, "LlmMlNet.*") : []) File.Delete(old);
        var result = ProcessRunner.Run("dotnet", ["pack", SolutionFilter, "-c", Configuration, "--no-build", "-p:PackageOutputPath=" + folder + "/"],
            RepoPaths.Root, TimeSpan.FromMinutes(5));
        if (!result.Succeeded) throw new InvalidOperationException("dotnet pack failed:\n" + result.Output);
        foreach (var id in Ids)
            if (!File.Exists(Path.Combine(folder, $"{id}.{Version}.nupkg")))
                throw new InvalidOperationException($"dotnet pack made no {id}.{Version}.nupkg in {folder}:\n{result.Output}");
        return folder;
    }

    private static string PrepareCache()
    {
        string cache = Path.Combine(RepoPaths.Root, "artifacts", "nuget-cache");
        Directory.CreateDirectory(cache);
        foreach (var stale in Directory.GetDirectories(cache, "llmmlnet.*")) Directory.Delete(stale, recursive: true);
        return cache;
    }
}
