// The parsers the fuzz suite covers, each with a small valid seed folder and its documented exception:
// safetensors header, pytorch_model.bin's pickle, tokenizer.json, vocab.txt, vocab.json + merges.txt,
// config.json (loaded against real weights, so sizes meet the header check), TSV / CSV / JSONL rows,
// SQuAD JSON and PEFT adapter_config.json. Seeds are built here or read from the committed fixtures.
using System.IO.Compression;
using Encoding = System.Text.Encoding;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.TestSupport.Fuzz;

/// <summary>Builds the fuzz targets.</summary>
internal static class ParserFuzzTargets
{
    private const long Bound = 64L << 20; // 64 MB: every seed parses in well under 1 MB

    /// <summary>Every target; <paramref name="repoRoot"/> locates the committed fixtures.</summary>
    public static IReadOnlyList<FuzzTarget> All(string repoRoot)
    {
        var families = Path.Combine(repoRoot, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "families");
        var pickles = Path.Combine(repoRoot, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "pickle");
        var gpt2 = Path.Combine(repoRoot, "..", "shared", "fixtures", "parity", "gpt2-tiny-random");
        var bert = Path.Combine(families, "bert");
        var data = typeof(DataFormatException);
        var invalid = typeof(InvalidDataException);
        var tokenizer = typeof(TokenizerFormatException);
        return
        [
            new("safetensors header", new Dictionary<string, byte[]> { ["model.safetensors"] = Safetensors() }, "model.safetensors",
                ReadAllTensors, [invalid], Bound),
            new("pytorch_model.bin pickle", new Dictionary<string, byte[]> { ["data.pkl"] = PickleOf(Path.Combine(pickles, "small.bin")) }, "data.pkl",
                ZipAndRead, [invalid], Bound),
            new("tokenizer.json", new Dictionary<string, byte[]> { ["tokenizer.json"] = Encoding.UTF8.GetBytes(TinyTokenizerJson) }, "tokenizer.json",
                folder => Tokenizer.FromFile(Path.Combine(folder, "tokenizer.json")).Encode("hello world, unaffable!", "a pair"), [tokenizer], Bound),
            new("vocab.txt", new Dictionary<string, byte[]> { ["vocab.txt"] = File.ReadAllBytes(Path.Combine(repoRoot, "..", "shared", "fixtures", "parity", "bert-tiny-random", "vocab.txt")) },
                "vocab.txt", folder => Tokenizer.Load(folder).Encode("hello world"), [tokenizer], Bound),
            new("vocab.json", Gpt2Files(gpt2), "vocab.json", folder => Tokenizer.Load(folder).Encode("hello world"), [tokenizer], Bound),
            new("merges.txt", Gpt2Files(gpt2), "merges.txt", folder => Tokenizer.Load(folder).Encode("hello world"), [tokenizer], Bound),
            new("config.json", new Dictionary<string, byte[]>
                {
                    ["config.json"] = File.ReadAllBytes(Path.Combine(bert, "config.json")),
                    ["model.safetensors"] = File.ReadAllBytes(Path.Combine(bert, "model.safetensors")),
                }, "config.json", folder => TransformerParameters.FromPretrained(folder, new HashSet<KeyGroup> { KeyGroup.Encoder }, out _),
                [invalid, typeof(NotSupportedException)], Bound),
            new("TSV rows", Text("train.tsv", "sentence\tlabel\na fine film\tpos\na bad film\tneg\n\"quoted\" text\t1\n"), "train.tsv", ReadRows("train.tsv"), [data], Bound),
            new("CSV rows", Text("train.csv", "text,label\n\"a fine, film\",pos\n\"a \"\"bad\"\" film\",neg\nplain,1\n"), "train.csv", ReadRows("train.csv"), [data], Bound),
            new("JSONL rows", Text("train.jsonl", "{\"text\": \"a fine film\", \"label\": \"pos\"}\n{\"text\": \"bad\", \"label\": 0}\n"), "train.jsonl",
                ReadRows("train.jsonl"), [data], Bound),
            new("SQuAD JSON", Text("dev.json", Squad), "dev.json", folder => SquadReader.Read(Path.Combine(folder, "dev.json")).ToList(), [data], Bound),
            new("adapter_config.json", Adapter(), PeftLoraFormat.ConfigFileName, folder => PeftLoraFormat.Load(folder, AdapterConfig), [invalid], Bound),
        ];
    }

    private static Dictionary<string, byte[]> Text(string name, string content) => new() { [name] = Encoding.UTF8.GetBytes(content) };

    private static Action<string> ReadRows(string name) => folder => new TextClassificationReader(Path.Combine(folder, name)).ToList();

    private static Dictionary<string, byte[]> Gpt2Files(string folder) => new()
    {
        ["vocab.json"] = File.ReadAllBytes(Path.Combine(folder, "vocab.json")),
        ["merges.txt"] = File.ReadAllBytes(Path.Combine(folder, "merges.txt")),
    };

    private static byte[] Safetensors()
    {
        var path = Path.GetTempFileName();
        try
        {
            SafetensorsWriter.Write(path, [new SafetensorsTensor("a", [2, 3], new float[] { 1, 2, 3, 4, 5, 6 }), new SafetensorsTensor("b.weight", [4], new float[4])]);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void ReadAllTensors(string folder)
    {
        using var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        foreach (var (name, info) in file.Tensors)
            if (SafetensorsDTypes.IsReadable(info.DType)) file.ReadFloat32(name);
    }

    private static byte[] PickleOf(string bin)
    {
        using var zip = ZipFile.OpenRead(bin);
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    // The pickle is what is fuzzed: it is zipped with an 8-float storage record "0" and opened as a checkpoint.
    private static void ZipAndRead(string folder)
    {
        var path = Path.Combine(folder, "pytorch_model.bin");
        File.Delete(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var stream = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
                stream.Write(File.ReadAllBytes(Path.Combine(folder, "data.pkl")));
            using (var stream = zip.CreateEntry("archive/data/0", CompressionLevel.NoCompression).Open())
                stream.Write(new byte[8]);
        }
        using var file = PyTorchBinFile.Open(path);
        foreach (var (name, info) in file.Tensors)
            if (SafetensorsDTypes.IsReadable(info.DType)) file.ReadFloat32(name);
    }

    private static readonly TransformerConfig AdapterConfig = SizePresets.Create("tiny", ModelFamily.Bert, vocabSize: 64);

    private static Dictionary<string, byte[]> Adapter()
    {
        var folder = Directory.CreateTempSubdirectory("llmmlnet-fuzz-seed-").FullName;
        try
        {
            PeftLoraFormat.Save(LoraAdapter.Create(AdapterConfig, new LoraOptions { Rank = 2 }), folder);
            return Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f)!, File.ReadAllBytes);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private const string Squad = """
        {"version": "v2.0", "data": [{"title": "t", "paragraphs": [{"context": "The film opened in 1999 in Paris.", "qas": [
          {"id": "q1", "question": "When?", "answers": [{"text": "1999", "answer_start": 19}]},
          {"id": "q2", "question": "Who?", "answers": [], "is_impossible": true, "plausible_answers": [{"text": "Paris", "answer_start": 27}]}]}]}]}
        """;

    private const string TinyTokenizerJson = """
        {"version": "1.0", "truncation": null, "padding": null,
         "added_tokens": [{"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                          {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                          {"id": 2, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                          {"id": 3, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
         "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
         "pre_tokenizer": {"type": "BertPreTokenizer"},
         "post_processor": {"type": "TemplateProcessing",
           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                    {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
         "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
         "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
           "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hello": 4, "world": 5, ",": 6, "!": 7, "un": 8, "##aff": 9, "##able": 10, "a": 11, "pair": 12}}}
        """;
}
