// Malformed or unsupported tokenizer files must fail before any work with an exception that names the
// file and the JSON field; each case edits a copy of the real bert-base-uncased / gpt2 tokenizer.json.
using System.Text.Json.Nodes;

namespace LlmMlNet.Tokenizers.Tests;

public sealed class BadInputTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-badtok-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_temp, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string Edited(string source, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Folder(source), "tokenizer.json")))!;
        edit(node);
        return Write($"edited-{Guid.NewGuid():N}.json", node.ToJsonString());
    }

    private static void AssertNames(TokenizerFormatException e, string file, string field)
    {
        Assert.Equal(file, e.FilePath);
        Assert.Equal(field, e.Field);
        Assert.Contains(file, e.Message);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void NotJson()
    {
        var file = Write("broken.json", "{ \"model\": ");
        AssertNames(Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(file)), file, "(json)");
    }

    [Fact]
    public void UnsupportedModelType()
    {
        var file = Edited("bert-base-uncased", n => n["model"]!["type"] = "Unigram");
        AssertNames(Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(file)), file, "model.type");
    }

    [Fact]
    public void UnsupportedNormalizerPreTokenizerPostProcessorDecoder()
    {
        foreach (var section in new[] { "normalizer", "pre_tokenizer", "post_processor", "decoder" })
        {
            var file = Edited("bert-base-uncased", n => n[section]!["type"] = "Metaspace");
            AssertNames(Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(file)), file, section + ".type");
        }
    }

    [Fact]
    public void MissingModel()
    {
        var file = Edited("bert-base-uncased", n => n.AsObject().Remove("model"));
        AssertNames(Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(file)), file, "model");
    }

    [Fact]
    public void WrongFieldTypes()
    {
        var file = Edited("bert-base-uncased", n => n["added_tokens"]![0]!["id"] = "zero");
        AssertNames(Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(file)), file, "added_tokens[0].id");
        var vocab = Edited("bert-base-uncased", n => n["model"]!["vocab"]!["hello"] = -1);
        AssertNames(Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(vocab)), vocab, "model.vocab.hello");
    }

    [Fact]
    public void MergeWithUnknownToken()
    {
        var file = Edited("gpt2", n => n["model"]!["merges"]!.AsArray().Insert(0, "zzzq qqqz"));
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(file));
        AssertNames(e, file, "model.merges");
        Assert.Contains("zzzq", e.Message);
    }

    [Fact]
    public void BadMergesTxtLineIsNamed()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp, "gpt2-bad")).FullName;
        File.Copy(Path.Combine(Fixtures.Folder("gpt2"), "vocab.json"), Path.Combine(folder, "vocab.json"));
        File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\nĠ t\nthree part line\n");
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(folder));
        AssertNames(e, Path.Combine(folder, "merges.txt"), "line 3");
    }

    [Fact]
    public void EmptyOrMissingFolder()
    {
        Assert.Throws<FileNotFoundException>(() => Tokenizer.Load(Directory.CreateDirectory(Path.Combine(_temp, "empty")).FullName));
        Assert.Throws<FileNotFoundException>(() => Tokenizer.Load(Path.Combine(_temp, "nothing-here")));
    }
}
