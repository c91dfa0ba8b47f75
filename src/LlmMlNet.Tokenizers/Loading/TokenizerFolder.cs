// Loads a tokenizer from a folder as transformers' AutoTokenizer would: tokenizer.json when present,
// else vocab.txt (BERT) or vocab.json + merges.txt (GPT-2 / RoBERTa), with tokenizer_config.json,
// special_tokens_map.json and config.json for casing, special tokens and the maximum length.
using LlmMlNet.Tokenizers.Loading;

namespace LlmMlNet.Tokenizers.Loading;

/// <summary>Folder loading.</summary>
internal static class TokenizerFolder
{
    private const int HuggingFaceUnsetLength = 1_000_000_000; // transformers writes ~1e30 when unknown

    /// <param name="folder">The folder.</param>
    /// <param name="vocabularyFilesOnly">Skip tokenizer.json: the caller named vocab.txt, vocab.json or merges.txt itself.</param>
    public static Tokenizer Load(string folder, bool vocabularyFilesOnly = false)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Tokenizer folder not found: {folder}");
        var configFile = Path.Combine(folder, "tokenizer_config.json");
        var mapFile = Path.Combine(folder, "special_tokens_map.json");
        var modelConfigFile = Path.Combine(folder, "config.json");
        JsonFields? config = File.Exists(configFile) ? Root(configFile) : null;
        JsonFields? map = File.Exists(mapFile) ? Root(mapFile) : null;
        JsonFields? modelConfig = File.Exists(modelConfigFile) ? Root(modelConfigFile) : null;
        var names = Names(config, map);
        string modelType = modelConfig?.OptionalString("model_type") ?? "";
        int? maxLength = MaxLength(config, modelConfig, modelType);

        var json = Path.Combine(folder, "tokenizer.json");
        if (!vocabularyFilesOnly && File.Exists(json)) return TokenizerJsonReader.Read(json, names, maxLength);

        var vocabTxt = Path.Combine(folder, "vocab.txt");
        if (File.Exists(vocabTxt))
        {
            var options = new WordPieceOptions
            {
                Lowercase = config?.Bool("do_lower_case", true) ?? true,
                StripAccents = config?.OptionalBool("strip_accents"),
                HandleChineseChars = config?.Bool("tokenize_chinese_chars", true) ?? true,
                UnkToken = names.Unk ?? "[UNK]", ClsToken = names.Cls ?? "[CLS]", SepToken = names.Sep ?? "[SEP]",
                PadToken = names.Pad ?? "[PAD]", MaskToken = names.Mask ?? "[MASK]", ModelMaxLength = maxLength,
            };
            try { return VocabularyFiles.WordPiece(VocabularyFiles.ReadVocabTxt(vocabTxt), options, names); }
            catch (ArgumentException e) { throw new TokenizerFormatException(vocabTxt, "(vocabulary)", e.Message, e); }
        }

        var vocabJson = Path.Combine(folder, "vocab.json");
        var mergesTxt = Path.Combine(folder, "merges.txt");
        if (File.Exists(vocabJson) && File.Exists(mergesTxt))
        {
            var vocab = VocabularyFiles.ReadVocabJson(vocabJson);
            string tokenizerClass = config?.OptionalString("tokenizer_class") ?? "";
            bool roberta = tokenizerClass.Contains("Roberta", StringComparison.OrdinalIgnoreCase) || modelType == "roberta"
                || (modelType.Length == 0 && !tokenizerClass.Contains("GPT2", StringComparison.OrdinalIgnoreCase)
                    && vocab.ContainsKey("<s>") && vocab.ContainsKey("</s>") && vocab.ContainsKey("<mask>"));
            var options = new ByteLevelBpeOptions
            {
                Style = roberta ? ByteLevelBpeStyle.Roberta : ByteLevelBpeStyle.Gpt2,
                AddPrefixSpace = config?.Bool("add_prefix_space", false) ?? false,
                ModelMaxLength = maxLength,
            };
            try { return VocabularyFiles.ByteLevelBpe(vocab, VocabularyFiles.ReadMerges(mergesTxt), options, names); }
            catch (ArgumentException e) when (e.ParamName == "vocabulary") { throw new TokenizerFormatException(vocabJson, "(vocabulary)", e.Message, e); }
            catch (ArgumentException e) { throw new TokenizerFormatException(mergesTxt, "(merges)", e.Message, e); }
        }
        throw new FileNotFoundException($"No tokenizer files in {folder}: expected tokenizer.json, vocab.txt, or vocab.json with merges.txt.");
    }

    private static JsonFields Root(string file)
    {
        using var document = JsonFields.Parse(file);
        if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            throw new TokenizerFormatException(file, "(root)", "expected a JSON object.");
        return new JsonFields(file, "", document.RootElement.Clone());
    }

    private static SpecialTokenNames Names(JsonFields? config, JsonFields? map)
    {
        string? Name(string field) => map?.TokenName(field) ?? config?.TokenName(field);
        return new SpecialTokenNames
        {
            Pad = Name("pad_token"), Cls = Name("cls_token"), Sep = Name("sep_token"), Mask = Name("mask_token"),
            Unk = Name("unk_token"), Bos = Name("bos_token"), Eos = Name("eos_token"),
        };
    }

    private static int? MaxLength(JsonFields? config, JsonFields? modelConfig, string modelType)
    {
        if (config is { } c && c.Has("model_max_length"))
        {
            var raw = c.Raw("model_max_length");
            if (raw.ValueKind != System.Text.Json.JsonValueKind.Number || !raw.TryGetDouble(out double length) || length < 1 || length != Math.Floor(length))
                throw c.Error("model_max_length", $"expected a positive integer, got {raw.GetRawText()}.");
            if (length < HuggingFaceUnsetLength) return length <= int.MaxValue ? (int)length : null;
        }
        if (modelConfig is not { } m) return null;
        if (m.Has("n_positions")) return m.Int("n_positions");
        if (m.Has("max_position_embeddings"))
        {
            int positions = m.Int("max_position_embeddings");
            return modelType is "roberta" or "camembert" or "xlm-roberta" ? positions - 2 : positions;
        }
        return null;
    }
}
