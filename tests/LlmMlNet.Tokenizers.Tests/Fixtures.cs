// Reads the shared tokenizer fixtures (real Hugging Face files and reference encodings) and caches the
// three tokenizers, so every test class loads each file once.
using System.Text.Json;
using LlmMlNet.TestSupport;

namespace LlmMlNet.Tokenizers.Tests;

internal static class Fixtures
{
    private static readonly Lazy<Tokenizer> LazyBert = new(() => Tokenizer.Load(Folder("bert-base-uncased")));
    private static readonly Lazy<Tokenizer> LazyGpt2 = new(() => Tokenizer.Load(Folder("gpt2")));
    private static readonly Lazy<Tokenizer> LazyRoberta = new(() => Tokenizer.Load(Folder("roberta-base")));

    public static Tokenizer Bert => LazyBert.Value;
    public static Tokenizer Gpt2 => LazyGpt2.Value;
    public static Tokenizer Roberta => LazyRoberta.Value;

    public static Tokenizer ByName(string name) => name switch
    {
        "bert-base-uncased" => Bert,
        "gpt2" => Gpt2,
        "roberta-base" => Roberta,
        _ => throw new ArgumentException(name),
    };

    public static string Folder(string name) => RepoPaths.Fixture("tokenizers", name);

    public static string File(string name) => RepoPaths.Fixture("tokenizers", name);

    public static List<JsonElement> Lines(string file) =>
        System.IO.File.ReadAllText(File(file)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();

    public static (int, int)[] Pairs(JsonElement e) =>
        e.EnumerateArray().Select(x => (x[0].GetInt32(), x[1].GetInt32())).ToArray();

    public static int?[] NullableInts(JsonElement e) =>
        e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? (int?)null : x.GetInt32()).ToArray();
}
