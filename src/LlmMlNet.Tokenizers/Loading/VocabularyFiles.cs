// Builds tokenizers from the older file sets: vocab.txt (BERT WordPiece) and vocab.json + merges.txt
// (GPT-2 / RoBERTa byte-level BPE), the way transformers' converters turn them into fast tokenizers.
// Reading tokenizer_config.json / special_tokens_map.json is TokenizerFolder's job.
using LlmMlNet.Tokenizers.Decoders;
using LlmMlNet.Tokenizers.Models;
using LlmMlNet.Tokenizers.Normalizers;
using LlmMlNet.Tokenizers.PostProcessors;
using LlmMlNet.Tokenizers.PreTokenizers;

namespace LlmMlNet.Tokenizers.Loading;

/// <summary>Tokenizers from vocabulary files or in-memory vocabularies.</summary>
internal static class VocabularyFiles
{
    public static List<string> ReadVocabTxt(string file)
    {
        var tokens = new List<string>();
        foreach (var line in File.ReadLines(file)) tokens.Add(line.TrimEnd('\r'));
        while (tokens.Count > 0 && tokens[^1].Length == 0) tokens.RemoveAt(tokens.Count - 1);
        if (tokens.Count == 0) throw new TokenizerFormatException(file, "(vocabulary)", "the vocabulary is empty.");
        return tokens;
    }

    public static Dictionary<string, int> ReadVocabJson(string file)
    {
        using var document = JsonFields.Parse(file);
        var root = new JsonFields(file, "", document.RootElement);
        if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object) throw root.Error("(root)", "expected an object of token → id.");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != System.Text.Json.JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                throw root.Error(entry.Name, "expected a non-negative integer id.");
            vocab[entry.Name] = id;
        }
        return vocab;
    }

    public static List<(string, string)> ReadMerges(string file)
    {
        var merges = new List<(string, string)>();
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(file))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new TokenizerFormatException(file, $"line {lineNumber}", $"expected two tokens separated by one space, got '{line}'.");
            merges.Add((parts[0], parts[1]));
        }
        return merges;
    }

    public static Tokenizer WordPiece(IReadOnlyList<string> vocabulary, WordPieceOptions o, SpecialTokenNames? names)
    {
        var model = new WordPieceModel(vocabulary, o.UnkToken, o.ContinuingSubwordPrefix, o.MaxInputCharsPerWord);
        int Id(string token, string role) => model.TokenToId(token) ?? throw new ArgumentException($"The vocabulary has no {role} token '{token}'.", nameof(vocabulary));
        var added = new List<AddedToken>();
        foreach (var special in new[] { o.PadToken, o.UnkToken, o.ClsToken, o.SepToken, o.MaskToken }.Distinct())
            if (model.TokenToId(special) is int id) added.Add(new AddedToken(id, special, Special: true, Normalized: false));
        added.Sort((a, b) => a.Id.CompareTo(b.Id));
        var post = PostProcessor.Bert(o.ClsToken, Id(o.ClsToken, "classification"), o.SepToken, Id(o.SepToken, "separator"));
        var roles = new SpecialTokenNames { Pad = o.PadToken, Unk = o.UnkToken, Cls = o.ClsToken, Sep = o.SepToken, Mask = o.MaskToken };
        return new Tokenizer(new BertNormalizer(o.CleanText, o.HandleChineseChars, o.StripAccents, o.Lowercase), new BertPreTokenizer(),
            model, post, new WordPieceDecoder(o.ContinuingSubwordPrefix, true), added, names is null ? roles : roles.OverriddenBy(names), o.ModelMaxLength);
    }

    public static Tokenizer ByteLevelBpe(IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<(string, string)> merges, ByteLevelBpeOptions o, SpecialTokenNames? names)
    {
        var model = new ByteLevelBpeModel(vocabulary, merges);
        var added = new List<AddedToken>();
        PostProcessor post;
        if (o.Style == ByteLevelBpeStyle.Roberta)
        {
            int Id(string token) => model.TokenToId(token) ?? throw new ArgumentException($"A RoBERTa vocabulary needs the token '{token}'.", nameof(vocabulary));
            foreach (var special in new[] { "<s>", "<pad>", "</s>", "<unk>" })
                if (model.TokenToId(special) is int id) added.Add(new AddedToken(id, special, Special: true, Normalized: true));
            if (model.TokenToId("<mask>") is int mask) added.Add(new AddedToken(mask, "<mask>", Special: true, LStrip: true, Normalized: true));
            post = PostProcessor.Roberta("<s>", Id("<s>"), "</s>", Id("</s>"), true, o.AddPrefixSpace);
        }
        else
        {
            if (model.TokenToId("<|endoftext|>") is int eos) added.Add(new AddedToken(eos, "<|endoftext|>", Special: true, Normalized: true));
            post = PostProcessor.Bare("ByteLevel", false, true);
        }
        return new Tokenizer(null, new ByteLevelPreTokenizer(o.AddPrefixSpace), model, post, new ByteLevelDecoder(), added, names, o.ModelMaxLength);
    }
}
