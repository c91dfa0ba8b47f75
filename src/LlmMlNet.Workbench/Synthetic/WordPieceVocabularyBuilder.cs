// Builds a small WordPiece vocab.txt (bert-base-uncased layout: one token per line, specials first,
// single characters and their "##" continuations, then whole words) so from-scratch models get a
// tokenizer for the synthetic corpus. It does not learn merges: every known word is one token.

using System.Globalization;
using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>Builds and writes WordPiece vocabularies for from-scratch models.</summary>
public static class WordPieceVocabularyBuilder
{
    /// <summary>The special tokens, in their ids 0-4: [PAD] [UNK] [CLS] [SEP] [MASK].</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    /// <summary>
    /// The vocabulary: <see cref="SpecialTokens"/>; every printable ASCII punctuation mark, digit and lowercase letter
    /// as a token; "##" plus each digit and letter (so any lowercase ASCII word can be split without [UNK]); then
    /// <paramref name="words"/> lowercased, distinct, in ordinal order, skipping those already present.
    /// </summary>
    /// <exception cref="ArgumentException">A word with whitespace, or a word that is empty.</exception>
    public static IReadOnlyList<string> Build(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var tokens = new List<string>(SpecialTokens);
        var present = new HashSet<string>(tokens, StringComparer.Ordinal);
        void Add(string token)
        {
            if (present.Add(token)) tokens.Add(token);
        }

        var characters = Enumerable.Range(33, 94).Select(c => (char)c).Where(c => !char.IsUpper(c)).ToArray();
        foreach (var c in characters) Add(c.ToString());
        foreach (var c in characters.Where(char.IsLetterOrDigit)) Add("##" + c);
        var sorted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            if (string.IsNullOrEmpty(word) || word.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"Vocabulary word '{word}' is empty or contains whitespace.", nameof(words));
            }
            sorted.Add(word.ToLowerInvariant());
        }
        foreach (var word in sorted) Add(word);
        return tokens;
    }

    /// <summary>The vocabulary of every word the synthetic generators can emit with <paramref name="lexicon"/> (default lexicon when null).</summary>
    public static IReadOnlyList<string> FromLexicon(SyntheticLexicon? lexicon = null) => Build((lexicon ?? SyntheticLexicon.Default).AllWords());

    /// <summary>
    /// The vocabulary of words that occur at least <paramref name="minCount"/> times in <paramref name="texts"/>, split
    /// as BERT's basic tokenizer does (lowercase, whitespace, each punctuation mark its own token).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minCount"/> below 1.</exception>
    public static IReadOnlyList<string> FromTexts(IEnumerable<string> texts, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var word in BasicTokenize(text)) counts[word] = counts.GetValueOrDefault(word) + 1;
        }
        return Build(counts.Where(p => p.Value >= minCount).Select(p => p.Key));
    }

    /// <summary>Writes <paramref name="tokens"/> one per line ("\n"), UTF-8 without BOM, atomically; line i is token id i.</summary>
    /// <exception cref="ArgumentException">A token with a line break.</exception>
    public static void Write(string path, IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        foreach (var token in tokens)
        {
            if (token.AsSpan().IndexOfAny('\n', '\r') >= 0) throw new ArgumentException("A token contains a line break.", nameof(tokens));
        }
        DataFiles.WriteAtomically(path, (TextWriter writer) =>
        {
            foreach (var token in tokens) writer.WriteLine(token);
        });
    }

    /// <summary>
    /// BERT's basic tokenization for uncased models, enough for the synthetic ASCII texts: lowercase, split on
    /// whitespace, and make every punctuation character (ASCII symbols and Unicode P* categories) a token.
    /// </summary>
    public static IEnumerable<string> BasicTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = -1;
        var lower = text.ToLowerInvariant();
        for (var i = 0; i <= lower.Length; i++)
        {
            var end = i == lower.Length || char.IsWhiteSpace(lower[i]);
            var punctuation = !end && IsPunctuation(lower[i]);
            if (end || punctuation)
            {
                if (start >= 0) yield return lower[start..i];
                start = -1;
                if (punctuation) yield return lower[i].ToString();
            }
            else if (start < 0)
            {
                start = i;
            }
        }
    }

    private static bool IsPunctuation(char c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~' ||
        char.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
}
