// Reads Hugging Face's tokenizer.json into our stages: each top-level key (normalizer, pre_tokenizer,
// model, post_processor, decoder, added_tokens) maps to one stage. Types we do not support fail with the
// file and field named. The truncation/padding sections are not applied (EncodeOptions decide).
using System.Text.Json;
using LlmMlNet.Tokenizers.Decoders;
using LlmMlNet.Tokenizers.Models;
using LlmMlNet.Tokenizers.Normalizers;
using LlmMlNet.Tokenizers.PostProcessors;
using LlmMlNet.Tokenizers.PreTokenizers;

namespace LlmMlNet.Tokenizers.Loading;

/// <summary>tokenizer.json → <see cref="Tokenizer"/>.</summary>
internal static class TokenizerJsonReader
{
    public static Tokenizer Read(string file, SpecialTokenNames? names, int? modelMaxLength)
    {
        using var document = JsonFields.Parse(file);
        var root = new JsonFields(file, "", document.RootElement);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw root.Error("(root)", "expected a JSON object.");
        var added = root.Has("added_tokens") ? root.Array("added_tokens").Select(ReadAddedToken).ToList() : [];
        var normalizer = root.Has("normalizer") ? ReadNormalizer(root.Object("normalizer")) : null;
        var preTokenizer = root.Has("pre_tokenizer") ? ReadPreTokenizer(root.Object("pre_tokenizer")) : null;
        var model = ReadModel(root.Object("model"), preTokenizer);
        var post = root.Has("post_processor") ? ReadPostProcessor(root.Object("post_processor"), model, added) : PostProcessor.Bare();
        TokenDecoder decoder = root.Has("decoder") ? ReadDecoder(root.Object("decoder")) : new JoinDecoder();
        return new Tokenizer(normalizer, preTokenizer, model, post, decoder, added, names, modelMaxLength);
    }

    private static AddedToken ReadAddedToken(JsonFields t) => new(t.Int("id"), t.String("content"), t.Bool("special", false),
        t.Bool("single_word", false), t.Bool("lstrip", false), t.Bool("rstrip", false), t.Bool("normalized", true));

    private static TextNormalizer ReadNormalizer(JsonFields n)
    {
        var type = n.String("type");
        return type switch
        {
            "BertNormalizer" => new BertNormalizer(n.Bool("clean_text", true), n.Bool("handle_chinese_chars", true),
                n.OptionalBool("strip_accents"), n.Bool("lowercase", true)),
            _ => throw n.Error("type", $"normalizer type '{type}' is not supported (supported: BertNormalizer, or null)."),
        };
    }

    private static PreTokenizer ReadPreTokenizer(JsonFields p)
    {
        var type = p.String("type");
        return type switch
        {
            "BertPreTokenizer" => new BertPreTokenizer(),
            "ByteLevel" => new ByteLevelPreTokenizer(p.Bool("add_prefix_space", true), p.Bool("use_regex", true)),
            _ => throw p.Error("type", $"pre_tokenizer type '{type}' is not supported (supported: BertPreTokenizer, ByteLevel, or null)."),
        };
    }

    private static TokenizerModel ReadModel(JsonFields m, PreTokenizer? preTokenizer)
    {
        // Older files omit model.type; Hugging Face then infers it from the fields, and so do we.
        var type = m.OptionalString("type") ?? (m.Has("merges") ? "BPE" : m.Has("max_input_chars_per_word") || m.Has("continuing_subword_prefix") ? "WordPiece" : null);
        var vocabulary = m.Object("vocab");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabulary.Element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                throw vocabulary.Error(entry.Name, "expected a non-negative integer id.");
            vocab[entry.Name] = id;
        }
        switch (type)
        {
            case "WordPiece":
            {
                var ordered = new string[vocab.Count];
                foreach (var (token, id) in vocab)
                {
                    if (id >= ordered.Length || ordered[id] is not null)
                        throw m.Error("vocab", $"WordPiece ids must be 0..{vocab.Count - 1} without gaps or repeats; '{token}' has id {id}.");
                    ordered[id] = token;
                }
                var unk = m.OptionalString("unk_token") ?? "[UNK]";
                if (!vocab.ContainsKey(unk)) throw m.Error("unk_token", $"'{unk}' is not in model.vocab.");
                int maxChars = m.Int("max_input_chars_per_word", 100);
                if (maxChars < 1) throw m.Error("max_input_chars_per_word", $"must be at least 1, got {maxChars} (every word would become the unknown token).");
                return new WordPieceModel(ordered, unk, m.OptionalString("continuing_subword_prefix") ?? "##", maxChars);
            }
            case "BPE":
            {
                if (preTokenizer is not ByteLevelPreTokenizer)
                    throw m.Error("type", "BPE is supported only as byte-level BPE (pre_tokenizer.type ByteLevel), as GPT-2 and RoBERTa use it.");
                if (m.Has("dropout") && m.Double("dropout") != 0) throw m.Error("dropout", "BPE dropout is not supported.");
                if (!string.IsNullOrEmpty(m.OptionalString("continuing_subword_prefix"))) throw m.Error("continuing_subword_prefix", "must be empty for byte-level BPE.");
                if (!string.IsNullOrEmpty(m.OptionalString("end_of_word_suffix"))) throw m.Error("end_of_word_suffix", "must be empty for byte-level BPE.");
                if (m.Bool("byte_fallback", false)) throw m.Error("byte_fallback", "byte fallback is not supported.");
                var merges = new List<(string, string)>();
                foreach (var merge in m.Array("merges")) merges.Add(ParseMerge(merge));
                try { return new ByteLevelBpeModel(vocab, merges); }
                catch (ArgumentException e) { throw m.Error(e.ParamName == "vocabulary" ? "vocab" : "merges", e.Message); }
            }
            default:
                throw m.Error("type", $"model type '{type ?? "(none)"}' is not supported (supported: WordPiece, BPE).");
        }
    }

    private static (string, string) ParseMerge(JsonFields merge)
    {
        var e = merge.Element;
        if (e.ValueKind == JsonValueKind.String)
        {
            var text = e.GetString()!;
            int space = text.IndexOf(' ', 1);
            if (space > 0 && text.IndexOf(' ', space + 1) < 0) return (text[..space], text[(space + 1)..]);
        }
        else if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2 && e[0].ValueKind == JsonValueKind.String && e[1].ValueKind == JsonValueKind.String)
            return (e[0].GetString()!, e[1].GetString()!);
        throw merge.Error("", "expected \"left right\" or [\"left\", \"right\"].");
    }

    private static PostProcessor ReadPostProcessor(JsonFields p, TokenizerModel model, List<AddedToken> added)
    {
        var type = p.String("type");
        switch (type)
        {
            case "BertProcessing":
            {
                var (sep, sepId) = Pair(p, "sep", model, added);
                var (cls, clsId) = Pair(p, "cls", model, added);
                return PostProcessor.Bert(cls, clsId, sep, sepId);
            }
            case "RobertaProcessing":
            {
                var (sep, sepId) = Pair(p, "sep", model, added);
                var (cls, clsId) = Pair(p, "cls", model, added);
                return PostProcessor.Roberta(cls, clsId, sep, sepId, p.Bool("trim_offsets", true), p.Bool("add_prefix_space", true));
            }
            case "ByteLevel":
                return PostProcessor.Bare("ByteLevel", p.Bool("trim_offsets", true), p.Bool("add_prefix_space", true));
            case "TemplateProcessing":
            {
                var specials = new Dictionary<string, (int[] Ids, string[] Tokens)>(StringComparer.Ordinal);
                var map = p.Object("special_tokens");
                foreach (var entry in map.Element.EnumerateObject())
                {
                    var st = map.Object(entry.Name);
                    var ids = st.Array("ids").Select(i => i.Element.ValueKind == JsonValueKind.Number && i.Element.TryGetInt32(out int v) && v >= 0
                        ? KnownId(i, v, model, added) : throw i.Error("", "expected a non-negative integer id.")).ToArray();
                    var tokens = st.Array("tokens").Select(t => t.Element.ValueKind == JsonValueKind.String ? t.Element.GetString()! : throw t.Error("", "expected a string.")).ToArray();
                    if (ids.Length != tokens.Length) throw st.Error("ids", "ids and tokens differ in length.");
                    specials[entry.Name] = (ids, tokens);
                }
                return new PostProcessor(type, Template(p, "single", specials), Template(p, "pair", specials), false, false);
            }
            default:
                throw p.Error("type", $"post_processor type '{type}' is not supported (supported: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, or null).");
        }
    }

    private static (string Token, int Id) Pair(JsonFields p, string field, TokenizerModel model, List<AddedToken> added)
    {
        var e = p.Raw(field);
        if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2 && e[0].ValueKind == JsonValueKind.String
            && e[1].ValueKind == JsonValueKind.Number && e[1].TryGetInt32(out int id) && id >= 0)
            return (e[0].GetString()!, KnownId(p.Field(field), id, model, added));
        throw p.Error(field, "expected [\"token\", id].");
    }

    // A special token's id must name a token the tokenizer has (model vocabulary or added token): an id past both would
    // index outside the model's embedding table later, far from the file that caused it.
    private static int KnownId(JsonFields where, int id, TokenizerModel model, List<AddedToken> added) =>
        id < model.VocabularySize || added.Any(a => a.Id == id)
            ? id
            : throw where.Error("", $"id {id} is neither in model.vocab (0..{model.VocabularySize - 1}) nor an added token.");

    private static List<TemplatePiece> Template(JsonFields p, string field, Dictionary<string, (int[] Ids, string[] Tokens)> specials)
    {
        var pieces = new List<TemplatePiece>();
        foreach (var item in p.Array(field))
        {
            if (item.Has("Sequence"))
            {
                var s = item.Object("Sequence");
                var id = s.String("id");
                int sequence = id == "A" ? 0 : id == "B" ? 1 : throw s.Error("id", $"expected \"A\" or \"B\", got '{id}'.");
                pieces.Add(TemplatePiece.Seq(sequence, s.Int("type_id", 0)));
            }
            else if (item.Has("SpecialToken"))
            {
                var s = item.Object("SpecialToken");
                var id = s.String("id");
                if (!specials.TryGetValue(id, out var special)) throw s.Error("id", $"'{id}' is not listed in post_processor.special_tokens.");
                pieces.Add(new TemplatePiece(-1, s.Int("type_id", 0), special.Ids, special.Tokens));
            }
            else throw item.Error("", "expected a Sequence or SpecialToken piece.");
        }
        return pieces;
    }

    private static TokenDecoder ReadDecoder(JsonFields d)
    {
        var type = d.String("type");
        return type switch
        {
            "WordPiece" => new WordPieceDecoder(d.OptionalString("prefix") ?? "##", d.Bool("cleanup", true)),
            "ByteLevel" => new ByteLevelDecoder(),
            _ => throw d.Error("type", $"decoder type '{type}' is not supported (supported: WordPiece, ByteLevel, or null)."),
        };
    }
}
