// Loading from the older file sets (vocab.txt; vocab.json + merges.txt) and saving: each route must
// reproduce every Hugging Face reference encoding, exactly as the tokenizer.json route does.
namespace LlmMlNet.Tokenizers.Tests;

public sealed class LoadingAndSavingTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "llmmlnet-tok-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true);
    }

    private string CopyWithout(string name, params string[] files)
    {
        var folder = Path.Combine(_temp, name + "-files");
        Directory.CreateDirectory(folder);
        foreach (var file in files) File.Copy(Path.Combine(Fixtures.Folder(name), file), Path.Combine(folder, file));
        return folder;
    }

    private static void AssertAllCasesMatch(Tokenizer tokenizer, string name)
    {
        var cases = Fixtures.Lines("cases.jsonl");
        var expected = Fixtures.Lines($"expected.{name}.jsonl");
        for (int i = 0; i < cases.Count; i++)
        {
            string? pair = cases[i].TryGetProperty("text_pair", out var p) ? p.GetString() : null;
            var encoding = tokenizer.Encode(cases[i].GetProperty("text").GetString()!, pair, new EncodeOptions { AddSpecialTokens = name != "gpt2" });
            var problem = ReferenceEncodingTests.Compare(encoding, expected[i]);
            Assert.True(problem is null, $"{name} case {i + 1}: {problem}");
        }
    }

    [Theory]
    [InlineData("bert-base-uncased", "vocab.txt", TokenizerKind.WordPiece)]
    [InlineData("gpt2", "vocab.json", TokenizerKind.ByteLevelBpe)]
    [InlineData("roberta-base", "merges.txt", TokenizerKind.ByteLevelBpe)]
    public void VocabularyFileNamedDirectlyLoadsThatFileAndMatchesReferences(string name, string file, TokenizerKind kind)
    {
        // The tokenizer.json stays beside it: naming the vocabulary file must still read the vocabulary files.
        var tokenizer = Tokenizer.Load(Path.Combine(Fixtures.Folder(name), file));
        Assert.Equal(kind, tokenizer.Kind);
        AssertAllCasesMatch(tokenizer, name);
    }

    [Fact]
    public void VocabTxtFolderIsBertAndMatchesReferences()
    {
        var tokenizer = Tokenizer.Load(CopyWithout("bert-base-uncased", "vocab.txt", "tokenizer_config.json", "config.json"));
        Assert.Equal(TokenizerKind.WordPiece, tokenizer.Kind);
        Assert.Equal(512, tokenizer.ModelMaxLength);
        AssertAllCasesMatch(tokenizer, "bert-base-uncased");
    }

    [Fact]
    public void VocabJsonFolderWithGpt2ConfigIsGpt2AndMatchesReferences()
    {
        var tokenizer = Tokenizer.Load(CopyWithout("gpt2", "vocab.json", "merges.txt", "config.json"));
        Assert.Equal(0, tokenizer.SpecialTokenCount());
        Assert.Equal(50256, tokenizer.EosTokenId);
        Assert.Equal(1024, tokenizer.ModelMaxLength);
        AssertAllCasesMatch(tokenizer, "gpt2");
    }

    [Fact]
    public void VocabJsonFolderWithRobertaSpecialsIsRobertaAndMatchesReferences()
    {
        var tokenizer = Tokenizer.Load(CopyWithout("roberta-base", "vocab.json", "merges.txt"));
        Assert.Equal(2, tokenizer.SpecialTokenCount());
        Assert.Equal(4, tokenizer.SpecialTokenCount(pair: true));
        AssertAllCasesMatch(tokenizer, "roberta-base");
    }

    [Theory]
    [InlineData("bert-base-uncased")]
    [InlineData("gpt2")]
    [InlineData("roberta-base")]
    public void SavedTokenizerReloadsIdentically(string name)
    {
        var folder = Path.Combine(_temp, name + "-saved");
        Fixtures.ByName(name).Save(folder);
        Assert.True(File.Exists(Path.Combine(folder, "tokenizer.json")));
        Assert.True(File.Exists(Path.Combine(folder, name == "bert-base-uncased" ? "vocab.txt" : "merges.txt")));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp-*"));
        var reloaded = Tokenizer.Load(folder);
        AssertAllCasesMatch(reloaded, name);
        Assert.Equal(Fixtures.ByName(name).VocabularySize, reloaded.VocabularySize);
        Assert.Equal(Fixtures.ByName(name).PadTokenId, reloaded.PadTokenId);
        // The vocabulary files alone (what a slow tokenizer reads) give the same tokenizer too.
        File.Delete(Path.Combine(folder, "tokenizer.json"));
        AssertAllCasesMatch(Tokenizer.Load(folder), name);
    }

    [Fact]
    public void SpecialTokenRolesAndSizesOfTheRealTokenizers()
    {
        var bert = Fixtures.Bert;
        Assert.Equal((0, 101, 102, 103, 100), (bert.PadTokenId, bert.ClsTokenId, bert.SepTokenId, bert.MaskTokenId, bert.UnkTokenId));
        Assert.Equal(30522, bert.VocabularySize);
        Assert.Equal(512, bert.ModelMaxLength);
        var roberta = Fixtures.Roberta;
        Assert.Equal((1, 0, 2, 50264, 3), (roberta.PadTokenId, roberta.ClsTokenId, roberta.SepTokenId, roberta.MaskTokenId, roberta.UnkTokenId));
        Assert.Equal(50265, roberta.VocabularySize);
        var gpt2 = Fixtures.Gpt2;
        Assert.Null(gpt2.PadTokenId);
        Assert.Equal(50256, gpt2.BosTokenId);
        Assert.Equal(50257, gpt2.VocabularySize);
    }

    [Fact]
    public void ProgrammaticWordPieceEncodesSavesAndReloads()
    {
        string[] vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "##s", "on", "mat", ".", "c", "##a", "##t"];
        var tokenizer = Tokenizer.CreateWordPiece(vocab);
        var encoding = tokenizer.Encode("The cats sat on the MAT.");
        Assert.Equal(["[CLS]", "the", "cat", "##s", "sat", "on", "the", "mat", ".", "[SEP]"], encoding.Tokens);
        Assert.Equal([2, 5, 6, 8, 7, 9, 5, 10, 11, 3], encoding.Ids);
        Assert.Equal((4, 7), encoding.Offsets[2]);
        Assert.Equal((7, 8), encoding.Offsets[3]);
        Assert.Equal([null, 0, 1, 1, 2, 3, 4, 5, 6, null], encoding.WordIds);
        Assert.Equal(4, tokenizer.MaskTokenId);
        Assert.Equal(15, tokenizer.VocabularySize);
        Assert.Equal("the cats sat on the mat.", tokenizer.Decode(encoding.Ids, skipSpecialTokens: true));
        var folder = Path.Combine(_temp, "tiny");
        tokenizer.Save(folder);
        var reloaded = Tokenizer.Load(folder);
        Assert.Equal(encoding.Ids, reloaded.Encode("The cats sat on the MAT.").Ids);
        Assert.Equal(vocab, File.ReadAllLines(Path.Combine(folder, "vocab.txt")));
    }

    [Fact]
    public void ProgrammaticWordPieceRejectsAVocabularyWithoutUnk()
    {
        var e = Assert.Throws<ArgumentException>(() => Tokenizer.CreateWordPiece(["[CLS]", "[SEP]", "a"]));
        Assert.Contains("[UNK]", e.Message);
    }
}
