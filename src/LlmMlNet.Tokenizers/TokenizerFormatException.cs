// The error for a tokenizer file we cannot use: malformed JSON, a missing or unsupported field. It names
// the file and the field so a user can fix the right thing. Not used for bad text input (none exists).
namespace LlmMlNet.Tokenizers;

/// <summary>A tokenizer file is malformed or uses something this library does not support.</summary>
public sealed class TokenizerFormatException : Exception
{
    /// <summary>Creates the exception; the message starts with the file and the field.</summary>
    public TokenizerFormatException(string filePath, string field, string problem, Exception? inner = null)
        : base($"{filePath}: {field}: {problem}", inner)
    {
        FilePath = filePath;
        Field = field;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>The JSON field (dotted path such as <c>model.type</c>) or file section at fault.</summary>
    public string Field { get; }
}
