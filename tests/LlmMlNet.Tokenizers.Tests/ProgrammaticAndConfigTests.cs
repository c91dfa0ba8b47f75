// A byte-level BPE built in code from a hand-made vocabulary and merges (expectations worked out by
// applying the merges by rank), and a BERT folder whose tokenizer_config.json turns lowercasing off.
using LlmMlNet.Tokenizers.Models;

namespace LlmMlNet.Tokenizers.Tests;

public sealed class ProgrammaticAndConfigTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-progtok-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static Dictionary<string, int> TinyByteLevelVocabulary()
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.ByteToChar[b].ToString()] = b;
        foreach (var token in new[] { "he", "ll", "hell", "hello", "Ġw" }) vocab[token] = vocab.Count;
        return vocab;
    }

    private static readonly (string, string)[] TinyMerges = [("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o"), ("Ġ", "w")];

    [Fact]
    public void HandMadeByteLevelBpeMergesByRank()
    {
        var tokenizer = Tokenizer.CreateByteLevelBpe(TinyByteLevelVocabulary(), TinyMerges);
        var e = tokenizer.Encode("hello world");
        // h e l l o: (h,e) rank 0, then (l,l) rank 1, then (he,ll), then (hell,o); " world": only (Ġ,w) applies.
        Assert.Equal(["hello", "Ġw", "o", "r", "l", "d"], e.Tokens);
        Assert.Equal([(0, 5), (5, 7), (7, 8), (8, 9), (9, 10), (10, 11)], e.Offsets);
        Assert.Equal("hello world", tokenizer.Decode(e.Ids));
        Assert.Null(tokenizer.PadTokenId);
        var folder = Path.Combine(_temp, "tiny-bpe");
        tokenizer.Save(folder);
        Assert.Equal(e.Ids, Tokenizer.Load(folder).Encode("hello world").Ids);
    }

    [Fact]
    public void ByteLevelBpeRejectsAMissingByte()
    {
        var vocab = TinyByteLevelVocabulary();
        vocab.Remove(ByteLevelAlphabet.ByteToChar[0x41].ToString());
        var e = Assert.Throws<ArgumentException>(() => Tokenizer.CreateByteLevelBpe(vocab, TinyMerges));
        Assert.Contains("0x41", e.Message);
    }

    [Fact]
    public void DoLowerCaseFalseKeepsCaseAndAccents()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp, "cased")).FullName;
        File.Copy(Path.Combine(Fixtures.Folder("bert-base-uncased"), "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{\"do_lower_case\": false, \"model_max_length\": 128}");
        var cased = Tokenizer.Load(folder);
        Assert.Equal(128, cased.ModelMaxLength);
        var plain = new EncodeOptions { AddSpecialTokens = false };
        Assert.Equal([7592], cased.Encode("hello", plain).Ids);
        Assert.NotEqual([7592], cased.Encode("Hello", plain).Ids);
        Assert.NotEqual(Fixtures.Bert.Encode("café", plain).Ids, cased.Encode("café", plain).Ids);
        Assert.Equal(Fixtures.Bert.Encode("cafe", plain).Ids, cased.Encode("cafe", plain).Ids);
    }
}
