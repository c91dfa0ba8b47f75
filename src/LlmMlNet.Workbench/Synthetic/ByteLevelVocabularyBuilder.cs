// A GPT-2-style byte-level BPE tokenizer for a closed synthetic vocabulary: the 256 byte symbols, one merge
// chain per word (so every corpus word, with or without its leading space, becomes a single token) and
// <|endoftext|> as EOS. Enough for demo corpora; not a BPE trainer on frequencies.
using System.Text.RegularExpressions;
using LlmMlNet.Tokenizers;

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>Builds byte-level BPE tokenizers from the words of some texts.</summary>
public static partial class ByteLevelVocabularyBuilder
{
    /// <summary>The EOS token.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>
    /// A tokenizer whose vocabulary is the 256 byte symbols, every word (letters or digits, with and without a leading space) of
    /// <paramref name="texts"/> as one token, and <see cref="EndOfText"/> (the EOS) last.
    /// </summary>
    public static Tokenizer Build(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var alphabet = ByteAlphabet();
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in alphabet) vocabulary[c.ToString()] = vocabulary.Count;
        var merges = new List<(string, string)>();
        var words = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (Match m in Word().Matches(text))
            {
                words.Add(m.Value.TrimStart());
                words.Add(" " + m.Value.TrimStart());
            }
        foreach (var word in words)
        {
            var symbols = System.Text.Encoding.UTF8.GetBytes(word).Select(b => alphabet[b].ToString()).ToList();
            var prefix = symbols[0];
            foreach (var next in symbols.Skip(1))
            {
                var merged = prefix + next;
                if (!vocabulary.ContainsKey(merged))
                {
                    vocabulary[merged] = vocabulary.Count;
                    merges.Add((prefix, next));
                }
                prefix = merged;
            }
        }
        vocabulary[EndOfText] = vocabulary.Count;
        return Tokenizer.CreateByteLevelBpe(vocabulary, merges);
    }

    // GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others for U+0100 upward.
    private static char[] ByteAlphabet()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
            map[b] = b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ' ? (char)b : (char)next++;
        return map;
    }

    [GeneratedRegex(@" ?[a-z]+| ?[0-9]+")]
    private static partial Regex Word();
}
