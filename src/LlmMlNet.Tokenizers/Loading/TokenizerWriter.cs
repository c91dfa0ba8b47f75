// Saves a tokenizer as Hugging Face files (tokenizer.json, vocab.txt or vocab.json + merges.txt,
// tokenizer_config.json, special_tokens_map.json) so transformers' AutoTokenizer and our loader read it
// back. Every file is written to a temp file and renamed. It writes only the stage types we read.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmMlNet.Tokenizers.Decoders;
using LlmMlNet.Tokenizers.Models;
using LlmMlNet.Tokenizers.Normalizers;
using LlmMlNet.Tokenizers.PostProcessors;
using LlmMlNet.Tokenizers.PreTokenizers;

namespace LlmMlNet.Tokenizers.Loading;

/// <summary>Tokenizer → Hugging Face files.</summary>
internal static class TokenizerWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Save(Tokenizer tokenizer, string folder)
    {
        Directory.CreateDirectory(folder);
        WriteAtomically(Path.Combine(folder, "tokenizer.json"), w => WriteTokenizerJson(tokenizer, w));
        if (tokenizer.Model is WordPieceModel wordPiece)
            WriteAtomically(Path.Combine(folder, "vocab.txt"), string.Join('\n', wordPiece.Vocabulary) + "\n");
        else if (tokenizer.Model is ByteLevelBpeModel bpe)
        {
            WriteAtomically(Path.Combine(folder, "vocab.json"), w =>
            {
                w.WriteStartObject();
                foreach (var (token, id) in bpe.VocabularyMap.OrderBy(p => p.Value)) w.WriteNumber(token, id);
                w.WriteEndObject();
            });
            WriteAtomically(Path.Combine(folder, "merges.txt"), "#version: 0.2\n" + string.Concat(bpe.Merges.Select(m => $"{m.Left} {m.Right}\n")));
        }
        WriteAtomically(Path.Combine(folder, "special_tokens_map.json"), w => { w.WriteStartObject(); WriteRoles(tokenizer, w); w.WriteEndObject(); });
        WriteAtomically(Path.Combine(folder, "tokenizer_config.json"), w =>
        {
            w.WriteStartObject();
            w.WriteString("tokenizer_class", TokenizerClass(tokenizer));
            if (tokenizer.Normalizer is BertNormalizer bert)
            {
                w.WriteBoolean("do_lower_case", bert.Lowercase);
                w.WriteBoolean("tokenize_chinese_chars", bert.HandleChineseChars);
                if (bert.StripAccents is bool strip) w.WriteBoolean("strip_accents", strip); else w.WriteNull("strip_accents");
            }
            if (tokenizer.PreTokenizer is ByteLevelPreTokenizer byteLevel) w.WriteBoolean("add_prefix_space", byteLevel.AddPrefixSpace);
            if (tokenizer.ModelMaxLength is int max) w.WriteNumber("model_max_length", max);
            WriteRoles(tokenizer, w);
            w.WriteEndObject();
        });
    }

    private static string TokenizerClass(Tokenizer t) =>
        t.Model is WordPieceModel ? "BertTokenizer" : t.PostProcessor.Kind == "RobertaProcessing" ? "RobertaTokenizer" : "GPT2Tokenizer";

    private static void WriteRoles(Tokenizer t, Utf8JsonWriter w)
    {
        var r = t.SpecialTokens;
        foreach (var (name, value) in new[] { ("bos_token", r.Bos), ("eos_token", r.Eos), ("unk_token", r.Unk), ("sep_token", r.Sep),
                     ("pad_token", r.Pad), ("cls_token", r.Cls), ("mask_token", r.Mask) })
            if (value is not null && t.TokenToId(value) is not null) w.WriteString(name, value);
    }

    private static void WriteTokenizerJson(Tokenizer t, Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        foreach (var a in t.AddedTokens)
        {
            w.WriteStartObject();
            w.WriteNumber("id", a.Id); w.WriteString("content", a.Content); w.WriteBoolean("single_word", a.SingleWord);
            w.WriteBoolean("lstrip", a.LStrip); w.WriteBoolean("rstrip", a.RStrip); w.WriteBoolean("normalized", a.Normalized);
            w.WriteBoolean("special", a.Special);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WritePropertyName("normalizer");
        if (t.Normalizer is BertNormalizer n)
        {
            w.WriteStartObject();
            w.WriteString("type", "BertNormalizer"); w.WriteBoolean("clean_text", n.CleanText); w.WriteBoolean("handle_chinese_chars", n.HandleChineseChars);
            if (n.StripAccents is bool strip) w.WriteBoolean("strip_accents", strip); else w.WriteNull("strip_accents");
            w.WriteBoolean("lowercase", n.Lowercase);
            w.WriteEndObject();
        }
        else w.WriteNullValue();
        w.WritePropertyName("pre_tokenizer");
        switch (t.PreTokenizer)
        {
            case BertPreTokenizer: w.WriteStartObject(); w.WriteString("type", "BertPreTokenizer"); w.WriteEndObject(); break;
            case ByteLevelPreTokenizer b:
                w.WriteStartObject(); w.WriteString("type", "ByteLevel"); w.WriteBoolean("add_prefix_space", b.AddPrefixSpace);
                w.WriteBoolean("trim_offsets", true); w.WriteBoolean("use_regex", b.UseRegex); w.WriteEndObject(); break;
            default: w.WriteNullValue(); break;
        }
        w.WritePropertyName("post_processor");
        WritePostProcessor(t.PostProcessor, w);
        w.WritePropertyName("decoder");
        switch (t.Decoder)
        {
            case WordPieceDecoder d: w.WriteStartObject(); w.WriteString("type", "WordPiece"); w.WriteString("prefix", d.Prefix); w.WriteBoolean("cleanup", d.Cleanup); w.WriteEndObject(); break;
            case ByteLevelDecoder:
                w.WriteStartObject(); w.WriteString("type", "ByteLevel"); w.WriteBoolean("add_prefix_space", true); w.WriteBoolean("trim_offsets", true);
                w.WriteBoolean("use_regex", true); w.WriteEndObject(); break;
            default: w.WriteNullValue(); break;
        }
        w.WritePropertyName("model");
        WriteModel(t.Model, w);
        w.WriteEndObject();
    }

    private static void WritePostProcessor(PostProcessor p, Utf8JsonWriter w)
    {
        if (p.Kind == "none") { w.WriteNullValue(); return; }
        w.WriteStartObject();
        if (p.Kind == "ByteLevel")
        {
            w.WriteString("type", "ByteLevel"); w.WriteBoolean("add_prefix_space", p.AddPrefixSpace); w.WriteBoolean("trim_offsets", p.TrimOffsets); w.WriteBoolean("use_regex", true);
        }
        else if (p.Kind == "RobertaProcessing")
        {
            var cls = p.Single[0]; var sep = p.Single[2];
            w.WriteString("type", "RobertaProcessing");
            w.WriteStartArray("sep"); w.WriteStringValue(sep.SpecialTokens[0]); w.WriteNumberValue(sep.SpecialIds[0]); w.WriteEndArray();
            w.WriteStartArray("cls"); w.WriteStringValue(cls.SpecialTokens[0]); w.WriteNumberValue(cls.SpecialIds[0]); w.WriteEndArray();
            w.WriteBoolean("trim_offsets", p.TrimOffsets); w.WriteBoolean("add_prefix_space", p.AddPrefixSpace);
        }
        else
        {
            w.WriteString("type", "TemplateProcessing");
            WriteTemplate("single", p.Single, w);
            WriteTemplate("pair", p.Pair, w);
            w.WriteStartObject("special_tokens");
            foreach (var piece in p.Single.Concat(p.Pair).Where(x => !x.IsSequence).DistinctBy(x => string.Join(" ", x.SpecialTokens)))
            {
                w.WriteStartObject(string.Join(" ", piece.SpecialTokens));
                w.WriteString("id", string.Join(" ", piece.SpecialTokens));
                w.WriteStartArray("ids"); foreach (var id in piece.SpecialIds) w.WriteNumberValue(id); w.WriteEndArray();
                w.WriteStartArray("tokens"); foreach (var token in piece.SpecialTokens) w.WriteStringValue(token); w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteTemplate(string name, IReadOnlyList<TemplatePiece> pieces, Utf8JsonWriter w)
    {
        w.WriteStartArray(name);
        foreach (var piece in pieces)
        {
            w.WriteStartObject();
            w.WriteStartObject(piece.IsSequence ? "Sequence" : "SpecialToken");
            w.WriteString("id", piece.IsSequence ? (piece.Sequence == 0 ? "A" : "B") : string.Join(" ", piece.SpecialTokens));
            w.WriteNumber("type_id", piece.TypeId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteModel(TokenizerModel model, Utf8JsonWriter w)
    {
        w.WriteStartObject();
        if (model is WordPieceModel wp)
        {
            w.WriteString("type", "WordPiece"); w.WriteString("unk_token", wp.UnkToken);
            w.WriteString("continuing_subword_prefix", wp.ContinuingSubwordPrefix); w.WriteNumber("max_input_chars_per_word", wp.MaxInputCharsPerWord);
            w.WriteStartObject("vocab");
            for (int i = 0; i < wp.Vocabulary.Count; i++) w.WriteNumber(wp.Vocabulary[i], i);
            w.WriteEndObject();
        }
        else if (model is ByteLevelBpeModel bpe)
        {
            w.WriteString("type", "BPE"); w.WriteNull("dropout"); w.WriteNull("unk_token"); w.WriteString("continuing_subword_prefix", "");
            w.WriteString("end_of_word_suffix", ""); w.WriteBoolean("fuse_unk", false); w.WriteBoolean("byte_fallback", false);
            w.WriteStartObject("vocab");
            foreach (var (token, id) in bpe.VocabularyMap.OrderBy(p => p.Value)) w.WriteNumber(token, id);
            w.WriteEndObject();
            w.WriteStartArray("merges");
            foreach (var (left, right) in bpe.Merges) w.WriteStringValue($"{left} {right}");
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteAtomically(string path, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options)) write(writer);
        WriteAtomically(path, buffer.ToArray());
    }

    private static void WriteAtomically(string path, string text) => WriteAtomically(path, new UTF8Encoding(false).GetBytes(text));

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
