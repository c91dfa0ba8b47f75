// Issue 13 item 6: with TruncationOptions.MaxWindows a long row is tokenized only as far as the kept windows
// reach. The kept encoding equals the full encode's token for token (ids, tokens, offsets, word ids) for
// every fixture case, joined into texts far longer than the window, for single texts and pairs under each
// strategy; and a multi-megabyte row costs a bounded amount of memory and no overflow encodings.
namespace LlmMlNet.Tokenizers.Tests;

public sealed class BoundedTruncationTests
{
    private static readonly string[] Texts = Fixtures.Lines("cases.jsonl").Select(c => c.GetProperty("text").GetString()!).ToArray();

    private static void SameAs(Encoding expected, Encoding actual)
    {
        Assert.Equal(expected.Ids, actual.Ids);
        Assert.Equal(expected.Tokens, actual.Tokens);
        Assert.Equal(expected.Offsets, actual.Offsets);
        Assert.Equal(expected.TypeIds, actual.TypeIds);
        Assert.Equal(expected.WordIds, actual.WordIds);
    }

    [Theory]
    [InlineData("bert-base-uncased")]
    [InlineData("gpt2")]
    [InlineData("roberta-base")]
    public void TheKeptWindowsEqualAFullEncode(string name)
    {
        var tokenizer = Fixtures.ByName(name);
        // Long texts: every case followed by the next ones, with the odd spacing a real row has.
        var longTexts = Enumerable.Range(0, Texts.Length).Select(i => string.Join(i % 2 == 0 ? " " : "  \n", Texts.Skip(i).Concat(Texts.Take(i)))).ToList();
        foreach (var strategy in new[] { TruncationStrategy.LongestFirst, TruncationStrategy.OnlyFirst, TruncationStrategy.OnlySecond })
            foreach (var (maxLength, windows, stride) in new[] { (8, 1, 0), (16, 1, 0), (64, 3, 8) })
                for (int i = 0; i < longTexts.Count; i += 13)
                {
                    var full = new EncodeOptions { Truncation = new TruncationOptions { MaxLength = maxLength, Stride = stride, Strategy = strategy } };
                    var bounded = new EncodeOptions { Truncation = full.Truncation! with { MaxWindows = windows } };
                    string? pair = strategy == TruncationStrategy.LongestFirst && i % 2 == 0 ? null : Texts[(i + 3) % Texts.Length];
                    if (strategy == TruncationStrategy.OnlySecond) pair = longTexts[(i + 1) % longTexts.Count];
                    Encoding expected, actual;
                    try { expected = tokenizer.Encode(longTexts[i], pair, full); }
                    catch (ArgumentException) { continue; } // a strategy the lengths cannot satisfy fails the same either way
                    actual = tokenizer.Encode(longTexts[i], pair, bounded);
                    SameAs(expected, actual);
                    if (pair is not null) continue; // a pair's overflow combines the kept windows of both, a different list
                    Assert.Equal(Math.Min(windows - 1, expected.Overflowing.Count), actual.Overflowing.Count);
                    for (int w = 0; w < actual.Overflowing.Count; w++) SameAs(expected.Overflowing[w], actual.Overflowing[w]);
                }
    }

    [Fact]
    public void AMultiMegabyteRowTruncatedTo16TokensCostsKilobytesNotTheRow()
    {
        var tokenizer = Fixtures.Bert;
        var row = string.Concat(Enumerable.Repeat(Texts[0] + " ", 5_000_000 / (Texts[0].Length + 1)));
        var options = new EncodeOptions { Truncation = new TruncationOptions { MaxLength = 16, MaxWindows = 1 } };
        tokenizer.Encode(Texts[1], options); // warm the caches
        long before = GC.GetAllocatedBytesForCurrentThread();
        var encoding = tokenizer.Encode(row, options);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(16, encoding.Length);
        Assert.Empty(encoding.Overflowing);
        // The full encode of this row allocates ~90 bytes per character; the prefix needs a few KB.
        Assert.True(allocated < 1_000_000, $"allocated {allocated:N0} bytes for a {row.Length:N0}-character row");
        Assert.Equal(tokenizer.Encode(Texts[0] + " " + Texts[0], new EncodeOptions { Truncation = new TruncationOptions { MaxLength = 16 } }).Ids, encoding.Ids);
    }

    [Fact]
    public void MaxWindowsBelowOneIsRefused() =>
        Assert.Throws<ArgumentException>(() => Fixtures.Bert.Encode("a b c", new EncodeOptions { Truncation = new TruncationOptions { MaxLength = 4, MaxWindows = 0 } }));
}
