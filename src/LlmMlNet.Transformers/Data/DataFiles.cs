// Small file helpers shared by the readers and writers: opening text with BOM detection, and the
// atomic write (temp file in the same folder, then rename; Checkpoints.AtomicFile does the work) every writer
// uses. Not a general IO layer.

using System.Text;
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Data;

/// <summary>File helpers for the data readers and writers.</summary>
public static class DataFiles
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Opens a UTF-8 text file for streaming (a UTF-8 or UTF-16 byte-order mark is honoured).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static StreamReader OpenText(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        return new StreamReader(path, Utf8NoBom, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>
    /// Writes a text file atomically: <paramref name="write"/> fills a temporary file beside <paramref name="path"/>,
    /// which then replaces <paramref name="path"/> in one rename. If <paramref name="write"/> throws, the temp
    /// file is deleted and any existing <paramref name="path"/> is left untouched. Text is UTF-8 without BOM,
    /// <c>NewLine</c> is "\n". The parent folder is created if missing.
    /// </summary>
    public static void WriteAtomically(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteAtomically(path, (Stream stream) =>
        {
            using var writer = new StreamWriter(stream, Utf8NoBom, 1 << 16, leaveOpen: true) { NewLine = "\n" };
            write(writer);
        });
    }

    /// <summary>As <see cref="WriteAtomically(string, Action{TextWriter})"/>, for binary or UTF-8 writers that take a stream.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        AtomicFile.Write(path, write);
    }
}
