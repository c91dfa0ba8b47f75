// Writes a file atomically: the content goes to a temporary file in the same folder, is flushed to
// disk, and is then renamed over the target, so readers see the old file or the new one, never half.
// The folder is fsync'ed after the rename. Not a general file-system utility: no locking between concurrent writers.
namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Atomic whole-file writes (temp file + rename).</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, replacing any existing file atomically.</summary>
    /// <param name="path">Target file; its folder is created when missing.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="IOException">The temporary file could not be written or renamed; the target is untouched.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        // Temporaries of this same file left by a killed writer (never another file's: those may be in flight).
        foreach (var orphan in Directory.EnumerateFiles(folder, $".{Path.GetFileName(full)}.*.tmp"))
            if (Path.GetFileName(orphan).Length == Path.GetFileName(full).Length + 38)
                try { File.Delete(orphan); } catch (IOException) { }
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            DirectorySync.Flush(folder);
        }
        catch
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) atomically.</summary>
    public static void WriteText(string path, string text) =>
        Write(path, stream => stream.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));
}
