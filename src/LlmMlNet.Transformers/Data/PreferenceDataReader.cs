// Reads DPO preference data from JSON Lines: each line {"prompt": ..., "chosen": ..., "rejected": ...} (TRL's
// explicit-prompt preference form). Streams; errors name the file, line and field. Not tokenization.
using System.Collections;

namespace LlmMlNet.Transformers.Data;

/// <summary>A re-enumerable stream of <see cref="PreferenceExample"/> from a JSONL file.</summary>
public sealed class PreferenceDataReader : IEnumerable<PreferenceExample>
{
    /// <summary>Opens <paramref name="path"/> (read lazily, once per enumeration).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public PreferenceDataReader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Preference data file '{path}' does not exist.", path);
        Path = path;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Reads every pair into a list.</summary>
    /// <exception cref="DataFormatException">A malformed line.</exception>
    public static IReadOnlyList<PreferenceExample> ReadAll(string path) => new PreferenceDataReader(path).ToList();

    /// <summary>The pairs in file order.</summary>
    /// <exception cref="DataFormatException">A line that is not an object or lacks a string "prompt", "chosen" or "rejected".</exception>
    public IEnumerator<PreferenceExample> GetEnumerator()
    {
        foreach (var (line, row) in JsonLinesReader.Read(Path))
            yield return new PreferenceExample(JsonLinesReader.String(row, "prompt", Path, line), JsonLinesReader.String(row, "chosen", Path, line),
                JsonLinesReader.String(row, "rejected", Path, line), line);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
