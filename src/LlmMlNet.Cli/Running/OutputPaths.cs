// Checks an --output path before any work starts, so a read-only folder, a file where a folder belongs
// or an empty path is a usage error (exit 1) at once instead of after a training run. The check writes
// and deletes one probe file in the nearest existing folder; it is not a permission model and does not reserve the path.
namespace LlmMlNet.Cli.Running;

/// <summary>Up-front checks of output files and folders.</summary>
internal static class OutputPaths
{
    /// <summary>
    /// Proves that <paramref name="folder"/> can be created and written: it, or its nearest existing ancestor, is a writable
    /// folder. Nothing is created, so a run that fails later on bad data leaves no empty output folder behind.
    /// </summary>
    /// <exception cref="UsageException">Empty path, a file where a folder belongs, or a folder that cannot be written.</exception>
    public static void RequireWritableFolder(string? folder, string optionName)
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new UsageException($"{optionName} must not be empty.");
        var full = Path.GetFullPath(folder);
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new UsageException(existing == full
                    ? $"{optionName} '{folder}' is a file; a folder is expected."
                    : $"{optionName} '{folder}': '{existing}' is a file, not a folder.");
            existing = Path.GetDirectoryName(existing) ?? throw new UsageException($"{optionName} '{folder}': no existing folder above it.");
        }
        Probe(existing, optionName, folder);
    }

    /// <summary>Proves that <paramref name="file"/> can be written: its folder exists (or is created) and is writable, and it is not a folder.</summary>
    /// <exception cref="UsageException">Empty path, an existing folder of that name, or a folder that cannot be written.</exception>
    public static void RequireWritableFile(string? file, string optionName)
    {
        if (string.IsNullOrWhiteSpace(file)) throw new UsageException($"{optionName} must not be empty.");
        var full = Path.GetFullPath(file);
        if (Directory.Exists(full)) throw new UsageException($"{optionName} '{file}' is a folder; a file is expected.");
        RequireWritableFolder(Path.GetDirectoryName(full)!, optionName);
    }

    private static void Probe(string full, string optionName, string given)
    {
        var probe = Path.Combine(full, $".llmmlnet-write-probe.{Guid.NewGuid():N}.tmp");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{optionName} '{given}': the folder cannot be written ({e.Message}).");
        }
    }
}
