// The decoder stage: token strings back to text. WordPiece joins "##" pieces and cleans spaces before
// punctuation; ByteLevel maps symbols back to bytes and decodes UTF-8 (invalid bytes become U+FFFD).
// Both are Hugging Face's decoders; without a decoder, tokens are joined with spaces.
using System.Text;
using LlmMlNet.Tokenizers.Models;

namespace LlmMlNet.Tokenizers.Decoders;

/// <summary>A decoder stage (Hugging Face's <c>decoder</c> section).</summary>
internal abstract class TokenDecoder
{
    /// <summary>The text of the tokens.</summary>
    public abstract string Decode(IReadOnlyList<string> tokens);
}

/// <summary>Hugging Face's <c>WordPiece</c> decoder.</summary>
internal sealed class WordPieceDecoder(string prefix, bool cleanup) : TokenDecoder
{
    /// <summary>The continuation prefix removed when joining.</summary>
    public string Prefix { get; } = prefix;
    /// <summary>Remove spaces before punctuation and contractions.</summary>
    public bool Cleanup { get; } = cleanup;

    private static readonly (string From, string To)[] CleanupRules =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    /// <inheritdoc />
    public override string Decode(IReadOnlyList<string> tokens)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (i != 0) token = token.StartsWith(Prefix, StringComparison.Ordinal) ? token[Prefix.Length..] : " " + token;
            if (Cleanup)
                foreach (var (from, to) in CleanupRules) token = token.Replace(from, to, StringComparison.Ordinal);
            sb.Append(token);
        }
        return sb.ToString();
    }
}

/// <summary>Hugging Face's <c>ByteLevel</c> decoder.</summary>
internal sealed class ByteLevelDecoder : TokenDecoder
{
    /// <inheritdoc />
    public override string Decode(IReadOnlyList<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            bool allMapped = true;
            foreach (char c in token)
                if (c >= ByteLevelAlphabet.CharToByte.Length || ByteLevelAlphabet.CharToByte[c] < 0) { allMapped = false; break; }
            if (allMapped) foreach (char c in token) bytes.Add((byte)ByteLevelAlphabet.CharToByte[c]);
            else bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(token));
        }
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }
}

/// <summary>No decoder: tokens joined with single spaces, as Hugging Face does.</summary>
internal sealed class JoinDecoder : TokenDecoder
{
    /// <inheritdoc />
    public override string Decode(IReadOnlyList<string> tokens) => string.Join(' ', tokens);
}
