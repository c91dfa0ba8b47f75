// SQuAD's official answer normalization (evaluate-v1.1.py / evaluate-v2.0.py normalize_answer):
// lowercase, drop ASCII punctuation, drop the articles a/an/the, collapse whitespace. Nothing more:
// no Unicode folding or stemming, so scores match the official script.

using System.Text;
using System.Text.RegularExpressions;

namespace LlmMlNet.Transformers.Evaluation;

/// <summary>The normalization and tokenization the official SQuAD evaluation applies before comparing answers.</summary>
public static partial class SquadNormalizer
{
    // Python's string.punctuation.
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>
    /// <c>white_space_fix(remove_articles(remove_punc(lower(s))))</c>: lowercase (invariant), remove the ASCII
    /// punctuation of Python's <c>string.punctuation</c>, replace the whole words a/an/the by a space, then
    /// split on whitespace and join with single spaces.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text.ToLowerInvariant())
        {
            if (!Punctuation.Contains(ch)) builder.Append(ch);
        }
        var withoutArticles = Articles().Replace(builder.ToString(), " ");
        return string.Join(' ', Tokens(withoutArticles));
    }

    /// <summary>The tokens of <see cref="Normalize"/>(<paramref name="text"/>): its whitespace-separated words (none for "").</summary>
    public static string[] NormalizedTokens(string text) => Tokens(Normalize(text));

    // Python's str.split(): runs of whitespace, which also counts the separators U+001C..U+001F.
    private static string[] Tokens(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var space = i == text.Length || char.IsWhiteSpace(text[i]) || text[i] is >= '\u001c' and <= '\u001f';
            if (space)
            {
                if (start >= 0) tokens.Add(text[start..i]);
                start = -1;
            }
            else if (start < 0)
            {
                start = i;
            }
        }
        return [.. tokens];
    }

    [GeneratedRegex(@"\b(a|an|the)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Articles();
}
