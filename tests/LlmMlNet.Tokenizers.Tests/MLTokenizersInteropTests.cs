// Our tokenizers seen through Microsoft.ML.Tokenizers' abstract Tokenizer: the reference fixtures' ids,
// tokens and offsets come back unchanged through that API, and counting, index-by-count and chunking
// cut only where the kept text re-encodes to exactly the tokens counted.
using LlmMlNet.Tokenizers.MLTokenizers;
using MlTokenizer = Microsoft.ML.Tokenizers.Tokenizer;

namespace LlmMlNet.Tokenizers.Tests;

public class MLTokenizersInteropTests
{
    public static TheoryData<string> Names => new() { "bert-base-uncased", "gpt2", "roberta-base" };

    private static IEnumerable<(int Id, string Text)> SingleTexts() =>
        Fixtures.Lines("cases.jsonl").Where(c => !c.TryGetProperty("text_pair", out _))
            .Select(c => (c.GetProperty("id").GetInt32(), c.GetProperty("text").GetString()!));

    [Theory]
    [MemberData(nameof(Names))]
    public void IdsTokensAndOffsetsMatchHuggingFaceThroughTheAbstraction(string name)
    {
        // The fixtures hold BERT and RoBERTa with special tokens, GPT-2 without (it adds none).
        MlTokenizer tokenizer = Fixtures.ByName(name).AsMLTokenizer(addSpecialTokens: name != "gpt2");
        var expected = Fixtures.Lines($"expected.{name}.jsonl");
        int checkedCases = 0;
        foreach (var (id, text) in SingleTexts())
        {
            var e = expected[id - 1];
            var ids = Fixtures.Ints(e.GetProperty("ids"));
            Assert.Equal(ids, tokenizer.EncodeToIds(text));
            var tokens = tokenizer.EncodeToTokens(text, out string? normalized);
            Assert.Null(normalized);
            Assert.Equal(ids, tokens.Select(t => t.Id));
            Assert.Equal(Fixtures.Strings(e.GetProperty("tokens")), tokens.Select(t => t.Value));
            Assert.Equal(Fixtures.Pairs(e.GetProperty("offsets_utf16")), tokens.Select(t => (t.Offset.Start.Value, t.Offset.End.Value)));
            Assert.Equal(ids.Length, tokenizer.CountTokens(text));
            checkedCases++;
        }
        Assert.Equal(131, checkedCases);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void IndexByTokenCountCutsBetweenWordsSoTheKeptTextReencodesToTheCountedTokens(string name)
    {
        var inner = Fixtures.ByName(name);
        MlTokenizer tokenizer = inner.AsMLTokenizer();
        foreach (var (id, text) in SingleTexts())
        {
            var content = inner.Encode(text, new EncodeOptions { AddSpecialTokens = false });
            int n = content.Length;
            foreach (int budget in new[] { 1, 2, 5, n / 2, n - 1, n, n + 3 }.Where(b => b > 0).Distinct())
            {
                int end = tokenizer.GetIndexByTokenCount(text, budget, out string? normalized, out int count);
                Assert.Null(normalized);
                Assert.True(count <= budget, $"case {id} budget {budget}: {count} tokens");
                Assert.Equal(content.Ids.Take(count), inner.EncodeToIds(text[..end], addSpecialTokens: false));
                if (count == n) Assert.Equal(text.Length, end);
                else
                {
                    // Maximal: the tokens from the cut up to the budget all belong to the one word that does not fit.
                    var straddling = content.WordIds.Skip(count).Take(budget - count + 1).Distinct().ToList();
                    Assert.True(straddling.Count == 1 && straddling[0] is not null, $"case {id} budget {budget}: cut at {count} is not maximal");
                }

                int start = tokenizer.GetIndexByTokenCountFromEnd(text, budget, out _, out int countFromEnd);
                Assert.True(countFromEnd <= budget);
                Assert.Equal(content.Ids.Skip(n - countFromEnd), inner.EncodeToIds(text[start..], addSpecialTokens: false));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ChunkingByTokenBudgetCoversTheTextAndKeepsEveryToken(string name)
    {
        var inner = Fixtures.ByName(name);
        MlTokenizer tokenizer = inner.AsMLTokenizer();
        string text = string.Join(" ", SingleTexts().Take(40).Select(c => c.Text));
        const int budget = 24;
        var chunks = new List<string>();
        for (string rest = text; rest.Length > 0;)
        {
            int end = tokenizer.GetIndexByTokenCount(rest, budget, out _, out int count);
            Assert.True(count > 0 && end > 0, $"no progress at: {rest[..Math.Min(40, rest.Length)]}");
            chunks.Add(rest[..end]);
            rest = rest[end..];
        }
        Assert.True(chunks.Count > 3);
        Assert.Equal(text, string.Concat(chunks));
        Assert.All(chunks, c => Assert.InRange(tokenizer.CountTokens(c), 0, budget));
        // Cutting between words loses and changes nothing: the chunks' tokens are the whole text's tokens.
        Assert.Equal(tokenizer.EncodeToIds(text), chunks.SelectMany(c => tokenizer.EncodeToIds(c)));
    }

    [Fact]
    public void MaxTokenCountKeepsTheSpecialTokensAndReportsTheCharactersConsumed()
    {
        MlTokenizer bert = Fixtures.Bert.AsMLTokenizer(addSpecialTokens: true);
        const string text = "The library opens at nine on weekdays and at ten on Saturdays.";
        var ids = bert.EncodeToIds(text, maxTokenCount: 6, out string? normalized, out int consumed);
        Assert.Null(normalized);
        Assert.Equal(6, ids.Count);
        Assert.Equal(Fixtures.Bert.ClsTokenId, ids[0]);
        Assert.Equal(Fixtures.Bert.SepTokenId, ids[^1]);
        Assert.Equal("The library opens at", text[..consumed]);
        Assert.Equal(Fixtures.Bert.EncodeToIds(text[..consumed]), ids);
        Assert.Equal(6, bert.CountTokens(text[..consumed]));
        Assert.Empty(bert.EncodeToIds(text, maxTokenCount: 1, out _, out int none));
        Assert.Equal(0, none);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DecodeIsTheHuggingFaceDecoder(string name)
    {
        var inner = Fixtures.ByName(name);
        var tokenizer = inner.AsMLTokenizer(addSpecialTokens: true);
        const string text = "Crêpes cost $4.50 — naïve café prices!";
        var ids = tokenizer.EncodeToIds(text);
        Assert.Equal(inner.Decode(ids), tokenizer.Decode(ids));
        Assert.Equal(inner.Decode(ids, skipSpecialTokens: true), tokenizer.Decode(ids, skipSpecialTokens: true));
        string decoded = inner.Decode(ids);
        var small = new char[decoded.Length - 1];
        Assert.Equal(System.Buffers.OperationStatus.DestinationTooSmall, tokenizer.Decode(ids, small, out int consumed, out int written));
        Assert.Equal((0, 0), (consumed, written));
        var exact = new char[decoded.Length];
        Assert.Equal(System.Buffers.OperationStatus.Done, tokenizer.Decode(ids, exact, out consumed, out written));
        Assert.Equal((ids.Count, decoded), (consumed, new string(exact, 0, written)));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        MlTokenizer tokenizer = Fixtures.Gpt2.AsMLTokenizer();
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.GetIndexByTokenCount("some text", 0, out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.EncodeToIds("some text", 0, out _, out _));
        Assert.Throws<ArgumentNullException>(() => new HuggingFaceTokenizer(null!));
        Assert.Throws<ArgumentNullException>(() => tokenizer.Decode(null!));
    }

    [Fact]
    public void LoadReadsAHuggingFaceFolder()
    {
        var loaded = HuggingFaceTokenizer.Load(Fixtures.Folder("roberta-base"));
        Assert.Equal(Fixtures.Roberta.EncodeToIds("Hello world", addSpecialTokens: false), loaded.EncodeToIds("Hello world"));
        Assert.False(loaded.AddSpecialTokens);
    }
}
