// Locates the repository root and ../shared/fixtures from a test's output folder, so tests read the
// shared fixtures the same way on a developer machine, in a git worktree and in CI.
namespace LlmMlNet.TestSupport;

/// <summary>Paths to the repository and to the shared fixtures beside it.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding LlmMlNet.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>`../shared/fixtures` beside the repository.</summary>
    public static string Fixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

    /// <summary>A path under the shared fixtures folder; throws naming the path when it is missing.</summary>
    public static string Fixture(params string[] parts)
    {
        var path = Path.Combine([Fixtures, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Shared fixture not found: {path}", path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LlmMlNet.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"LlmMlNet.sln not found above {AppContext.BaseDirectory}");
    }
}
