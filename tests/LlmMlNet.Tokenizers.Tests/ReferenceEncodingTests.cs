// Reproduces every Hugging Face reference encoding in ../shared/fixtures/tokenizers: ids, tokens,
// UTF-16 offsets, type ids and sequence ids for bert-base-uncased, GPT-2 and RoBERTa on 151 inputs,
// and bert-base-uncased's stride windows for the long QA pairs. Exact equality, no tolerance.
using System.Text.Json;

namespace LlmMlNet.Tokenizers.Tests;

public class ReferenceEncodingTests
{
    public static TheoryData<string> Names => new() { "bert-base-uncased", "gpt2", "roberta-base" };

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryCaseMatchesHuggingFace(string name)
    {
        var tokenizer = Fixtures.ByName(name);
        var cases = Fixtures.Lines("cases.jsonl");
        var expected = Fixtures.Lines($"expected.{name}.jsonl");
        Assert.Equal(151, cases.Count);
        Assert.Equal(cases.Count, expected.Count);
        var failures = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var e = expected[i];
            string text = c.GetProperty("text").GetString()!;
            string? pair = c.TryGetProperty("text_pair", out var p) ? p.GetString() : null;
            Assert.Equal(text, e.GetProperty("text").GetString());
            var encoding = tokenizer.Encode(text, pair, new EncodeOptions { AddSpecialTokens = name != "gpt2" });
            var problem = Compare(encoding, e);
            if (problem is not null) failures.Add($"case {i + 1} ({c.GetProperty("category").GetString()}): {problem}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void StrideWindowsMatchHuggingFace()
    {
        var lines = Fixtures.Lines("expected.bert-base-uncased.stride.jsonl");
        Assert.Equal(5, lines.Count);
        foreach (var line in lines)
        {
            var options = new EncodeOptions
            {
                Truncation = new TruncationOptions
                {
                    MaxLength = line.GetProperty("max_length").GetInt32(),
                    Stride = line.GetProperty("stride").GetInt32(),
                    Strategy = TruncationStrategy.OnlySecond,
                },
            };
            var encoding = Fixtures.Bert.Encode(line.GetProperty("text").GetString()!, line.GetProperty("text_pair").GetString(), options);
            var windows = line.GetProperty("windows").EnumerateArray().ToList();
            var actual = new[] { encoding }.Concat(encoding.Overflowing).ToList();
            Assert.Equal(windows.Count, actual.Count);
            for (int w = 0; w < windows.Count; w++)
            {
                var problem = Compare(actual[w], windows[w]);
                Assert.True(problem is null, $"case {line.GetProperty("id").GetInt32()} window {w}: {problem}");
            }
        }
    }

    internal static string? Compare(Encoding actual, JsonElement expected)
    {
        var ids = Fixtures.Ints(expected.GetProperty("ids"));
        if (!ids.SequenceEqual(actual.Ids)) return $"ids\n  expected {string.Join(",", ids)}\n  actual   {string.Join(",", actual.Ids)}\n  tokens   {string.Join(" ", actual.Tokens)}";
        var tokens = Fixtures.Strings(expected.GetProperty("tokens"));
        if (!tokens.SequenceEqual(actual.Tokens)) return $"tokens\n  expected {string.Join(" ", tokens)}\n  actual   {string.Join(" ", actual.Tokens)}";
        var offsets = Fixtures.Pairs(expected.GetProperty("offsets_utf16"));
        if (!offsets.SequenceEqual(actual.Offsets)) return $"offsets\n  expected {string.Join(" ", offsets)}\n  actual   {string.Join(" ", actual.Offsets)}\n  tokens   {string.Join(" ", actual.Tokens)}";
        var types = Fixtures.Ints(expected.GetProperty("type_ids"));
        if (!types.SequenceEqual(actual.TypeIds)) return $"type_ids\n  expected {string.Join(",", types)}\n  actual   {string.Join(",", actual.TypeIds)}";
        if (expected.TryGetProperty("sequence_ids", out var seq))
        {
            var sequenceIds = Fixtures.NullableInts(seq);
            if (!sequenceIds.SequenceEqual(actual.SequenceIds)) return "sequence_ids differ";
        }
        return null;
    }
}
