// Issue 13 items 4, 5 and 8 for tokenizer files: a string where a number belongs, an array where an object
// belongs, ids outside the vocabulary, ids that would size a table by gigabytes and settings that silently
// turn every word into [UNK] all fail as TokenizerFormatException naming the file and the field.
using System.Text.Json.Nodes;

namespace LlmMlNet.Tokenizers.Tests;

public sealed class TypeConfusionTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-tokconf-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string Edited(string source, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Folder(source), "tokenizer.json")))!;
        edit(node);
        var path = Path.Combine(_temp, $"edited-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, node.ToJsonString());
        return path;
    }

    private static void Refused(string file, string field, string? text = null)
    {
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(file));
        Assert.Equal(file, e.FilePath);
        Assert.Equal(field, e.Field);
        if (text != null) Assert.Contains(text, e.Message);
    }

    [Fact]
    public void WrongJsonTypesInTokenizerJsonAreNamed()
    {
        Refused(Edited("roberta-base", n => n["model"]!["dropout"] = "0.1"), "model.dropout", "expected a number");
        Refused(Edited("roberta-base", n => n["post_processor"]!["cls"] = new JsonArray("<s>", "zero")), "post_processor.cls");
        Refused(Edited("roberta-base", n => n["post_processor"]!["sep"] = new JsonObject()), "post_processor.sep");
        Refused(Edited("bert-base-uncased", n => n["post_processor"]!["special_tokens"]!["[CLS]"]!["ids"] = new JsonArray("101")),
            "post_processor.special_tokens.[CLS].ids[0]");
        Refused(Edited("bert-base-uncased", n => n["post_processor"]!["special_tokens"]!["[CLS]"]!["tokens"] = new JsonArray(7)),
            "post_processor.special_tokens.[CLS].tokens[0]");
        Refused(Edited("bert-base-uncased", n => n["post_processor"]!["single"] = new JsonArray(5)), "post_processor.single[0]", "Sequence or SpecialToken");
        Refused(Edited("bert-base-uncased", n => n["added_tokens"] = new JsonArray(new JsonArray())), "added_tokens[0]", "expected a JSON object");
    }

    [Fact]
    public void SpecialTokenIdsOutsideTheVocabularyAreRefused()
    {
        Refused(Edited("bert-base-uncased", n => n["post_processor"]!["special_tokens"]!["[CLS]"]!["ids"] = new JsonArray(999999)),
            "post_processor.special_tokens.[CLS].ids[0]", "999999");
        Refused(Edited("roberta-base", n => n["post_processor"]!["cls"] = new JsonArray("<s>", 50265 + 10)), "post_processor.cls", "neither in model.vocab");
    }

    [Fact]
    public void NonPositiveMaxInputCharsPerWordIsRefused()
    {
        Refused(Edited("bert-base-uncased", n => n["model"]!["max_input_chars_per_word"] = -1), "model.max_input_chars_per_word", "at least 1");
    }

    [Fact]
    public void HugeOrNonNumericVocabJsonIdsAreRefusedBeforeAnyTableIsSized()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp, "bpe")).FullName;
        File.Copy(Path.Combine(Fixtures.Folder("gpt2"), "merges.txt"), Path.Combine(folder, "merges.txt"));
        var vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Folder("gpt2"), "vocab.json")))!.AsObject();
        var vocabPath = Path.Combine(folder, "vocab.json");
        foreach (var (bad, expected) in new (JsonNode, string)[] { (2147483647, "2147483647"), (1500000000, "1500000000"), ("7", "non-negative integer") })
        {
            var copy = JsonNode.Parse(vocab.ToJsonString())!.AsObject();
            copy["Ġzzzz-extra"] = bad.DeepClone();
            File.WriteAllText(vocabPath, copy.ToJsonString());
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(folder));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 200_000_000, "allocated more than the files' size would need");
            Assert.Equal(vocabPath, e.FilePath);
            Assert.Contains(expected, e.Message);
        }
    }

    [Fact]
    public void ModelMaxLengthOfTheWrongTypeIsNamed()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp, "cfg")).FullName;
        File.Copy(Path.Combine(Fixtures.Folder("bert-base-uncased"), "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        var config = Path.Combine(folder, "tokenizer_config.json");
        foreach (var bad in new[] { "\"512\"", "[512]", "-5", "0.5" })
        {
            File.WriteAllText(config, $"{{\"model_max_length\": {bad}}}");
            var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(folder));
            Assert.Equal(config, e.FilePath);
            Assert.Equal("model_max_length", e.Field);
        }
    }
}
