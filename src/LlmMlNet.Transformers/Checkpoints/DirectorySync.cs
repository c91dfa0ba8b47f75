// Durability of renames: after a file or folder is renamed into place, the folder that holds the new name
// is fsync'ed (POSIX), so a power loss cannot forget the rename that a crash-consistent reader relies on.
// Also removes what a killed writer left behind (hidden .NAME.GUID.tmp / .old entries). Best effort where
// the OS has no directory fsync (Windows journals the rename itself). Not a lock: one writer per folder.
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Folder-level durability helpers for atomic writes.</summary>
public static partial class DirectorySync
{
    /// <summary>Flushes <paramref name="directory"/>'s entries to disk (fsync of the folder); does nothing where unsupported.</summary>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            var fd = Open(directory, 0 /* O_RDONLY */);
            if (fd < 0) return;
            try { _ = Fsync(fd); }
            finally { _ = Close(fd); }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call: the rename is still atomic, only its durability across power loss is the OS's default.
        }
    }

    /// <summary>
    /// Removes the temporaries an interrupted <see cref="AtomicFile"/> or checkpoint save left in <paramref name="directory"/>
    /// (<c>.NAME.GUID32.tmp</c> files and folders); a <c>.NAME.GUID32.old</c> folder whose NAME is missing is the only complete
    /// copy of that checkpoint (the kill fell between the two renames) and is renamed back, any other is removed.
    /// </summary>
    /// <returns>How many entries were removed or restored.</returns>
    public static int RemoveOrphans(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        var count = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, ".*"))
        {
            var match = Orphan().Match(Path.GetFileName(entry));
            if (!match.Success) continue;
            var target = Path.Combine(directory, match.Groups["name"].Value);
            try
            {
                if (match.Groups["kind"].Value == "old" && Directory.Exists(entry) && !Path.Exists(target)) Directory.Move(entry, target);
                else if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
                count++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process may still be writing it; leave it.
            }
        }
        if (count > 0) Flush(directory);
        return count;
    }

    [GeneratedRegex(@"^\.(?<name>.+)\.[0-9a-f]{32}\.(?<kind>tmp|old)$")]
    private static partial Regex Orphan();

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
