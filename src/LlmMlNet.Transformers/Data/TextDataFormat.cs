// The file formats the text-classification reader and writer accept, and their detection from
// the file extension. Detection is by extension only: content sniffing guesses wrong on odd files.

namespace LlmMlNet.Transformers.Data;

/// <summary>File layouts for text-classification data.</summary>
public enum TextDataFormat
{
    /// <summary>Tab-separated with a header row; no quoting (the GLUE convention), so fields hold no tabs or newlines.</summary>
    Tsv,

    /// <summary>Comma-separated with a header row; RFC 4180 quoting, so fields may hold commas, quotes and newlines.</summary>
    Csv,

    /// <summary>JSON Lines: one JSON object per line, e.g. <c>{"text": "...", "label": "positive"}</c>.</summary>
    JsonLines,
}

/// <summary>Detects a <see cref="TextDataFormat"/> from a path.</summary>
public static class TextDataFormats
{
    /// <summary>
    /// Maps the extension (case-insensitive) to a format: <c>.tsv</c> → <see cref="TextDataFormat.Tsv"/>, <c>.csv</c> → <see cref="TextDataFormat.Csv"/>,
    /// <c>.jsonl</c> and <c>.json</c> → <see cref="TextDataFormat.JsonLines"/> (a <c>.json</c> file
    /// must also hold one object per line).
    /// </summary>
    /// <exception cref="ArgumentException">The extension is none of these; the message lists the accepted ones.</exception>
    public static TextDataFormat FromPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".tsv" => TextDataFormat.Tsv,
            ".csv" => TextDataFormat.Csv,
            ".jsonl" or ".json" => TextDataFormat.JsonLines,
            var other => throw new ArgumentException(
                $"Cannot tell the format of '{path}' from its extension '{other}': use .tsv, .csv, .jsonl or .json.", nameof(path)),
        };
    }
}
