// Truncation strategies, stride windows and padding against Hugging Face's rules, worked out by hand on
// inputs whose token counts are known ("hello" is one bert-base-uncased token, id 7592; "world" 2088).
namespace LlmMlNet.Tokenizers.Tests;

public class TruncationPaddingTests
{
    private static string Repeat(string word, int n) => string.Join(' ', Enumerable.Repeat(word, n));

    private static (int First, int Second) Kept(Encoding e) =>
        (e.SequenceIds.Count(s => s == 0), e.SequenceIds.Count(s => s == 1));

    private static EncodeOptions Truncate(int max, TruncationStrategy strategy = TruncationStrategy.LongestFirst, int stride = 0, Side direction = Side.Right) =>
        new() { Truncation = new TruncationOptions { MaxLength = max, Strategy = strategy, Stride = stride, Direction = direction } };

    [Theory]
    // HF longest_first: room 20 after [CLS] [SEP] [SEP]; the short side keeps all, the long side the rest.
    [InlineData(10, 30, 23, 10, 10)]
    [InlineData(5, 30, 23, 5, 15)]
    // Both longer than half of room 21: 10 and 11 (the second side gets the odd token), swapped when A is longer.
    [InlineData(30, 40, 24, 10, 11)]
    [InlineData(40, 30, 24, 11, 10)]
    // Fits: untouched.
    [InlineData(3, 4, 10, 3, 4)]
    public void LongestFirstSplitsLikeHuggingFace(int n1, int n2, int max, int keep1, int keep2)
    {
        var e = Fixtures.Bert.Encode(Repeat("hello", n1), Repeat("world", n2), Truncate(max));
        Assert.Equal((keep1, keep2), Kept(e));
        Assert.True(e.Length <= max);
    }

    [Fact]
    public void OnlyFirstAndOnlySecondCutTheNamedSequence()
    {
        var first = Fixtures.Bert.Encode(Repeat("hello", 10), Repeat("world", 10), Truncate(18, TruncationStrategy.OnlyFirst));
        Assert.Equal((5, 10), Kept(first));
        var second = Fixtures.Bert.Encode(Repeat("hello", 10), Repeat("world", 10), Truncate(18, TruncationStrategy.OnlySecond));
        Assert.Equal((10, 5), Kept(second));
        Assert.Throws<ArgumentException>(() => Fixtures.Bert.Encode(Repeat("hello", 10), Truncate(5, TruncationStrategy.OnlySecond)));
        Assert.Throws<ArgumentException>(() => Fixtures.Bert.Encode(Repeat("hello", 2), Repeat("world", 10), Truncate(6, TruncationStrategy.OnlyFirst)));
    }

    [Fact]
    public void SingleSequenceStrideWindowsOverlapByStride()
    {
        // 20 tokens, room 8, stride 2: windows start at 0, 6, 12 (step 6); "hello" k sits at 6k.
        var e = Fixtures.Bert.Encode(Repeat("hello", 20), Truncate(10, stride: 2));
        var windows = new[] { e }.Concat(e.Overflowing).ToList();
        Assert.Equal(3, windows.Count);
        Assert.Equal([0, 36, 72], windows.Select(w => w.Offsets[1].Start));
        Assert.All(windows, w => Assert.Equal(10, w.Length));
        Assert.All(windows, w => Assert.Equal([101, 102], new[] { w.Ids[0], w.Ids[^1] }));
    }

    [Fact]
    public void LeftTruncationKeepsTheEnd()
    {
        var e = Fixtures.Bert.Encode(Repeat("hello", 20), Truncate(10, stride: 2, direction: Side.Left));
        var windows = new[] { e }.Concat(e.Overflowing).ToList();
        // Windows [12, 20), [6, 14), [0, 8) of the 20 tokens.
        Assert.Equal([72, 36, 0], windows.Select(w => w.Offsets[1].Start));
    }

    [Fact]
    public void StrideMustBeLessThanTheRoomLeft()
    {
        var e = Assert.Throws<ArgumentException>(() => Fixtures.Bert.Encode(Repeat("hello", 20), Truncate(10, stride: 8)));
        Assert.Contains("stride", e.Message);
    }

    [Fact]
    public void MaxLengthBelowTheSpecialTokensIsRejected() =>
        Assert.Throws<ArgumentException>(() => Fixtures.Bert.Encode("hello", Truncate(1)));

    [Fact]
    public void PaddingRightAndLeftToAFixedLength()
    {
        var right = Fixtures.Bert.Encode("hello world", new EncodeOptions { Padding = new PaddingOptions { Length = 7 } });
        Assert.Equal([101, 7592, 2088, 102, 0, 0, 0], right.Ids);
        Assert.Equal([1, 1, 1, 1, 0, 0, 0], right.AttentionMask);
        Assert.Equal([1, 0, 0, 1, 1, 1, 1], right.SpecialTokensMask);
        Assert.Equal("[PAD]", right.Tokens[^1]);
        Assert.Equal((0, 0), right.Offsets[^1]);
        Assert.Null(right.SequenceIds[^1]);
        var left = Fixtures.Bert.Encode("hello world", new EncodeOptions { Padding = new PaddingOptions { Length = 7, Direction = Side.Left } });
        Assert.Equal([0, 0, 0, 101, 7592, 2088, 102], left.Ids);
        Assert.Equal((0, 5), left.Offsets[4]);
    }

    [Fact]
    public void BatchPadsToLongestAndToAMultiple()
    {
        var options = new EncodeOptions { Padding = new PaddingOptions() };
        var batch = Fixtures.Roberta.EncodeBatch(["Hello", "Hello world, again"], options);
        Assert.Equal(batch[1].Length, batch[0].Length);
        Assert.Equal(1, batch[0].Ids[^1]);
        var multiple = Fixtures.Roberta.EncodeBatch(["Hello"], new EncodeOptions { Padding = new PaddingOptions { PadToMultipleOf = 8 } });
        Assert.Equal(8, multiple[0].Length);
    }

    [Fact]
    public void OverflowingWindowsArePaddedToo()
    {
        var e = Fixtures.Bert.Encode(Repeat("hello", 20), new EncodeOptions
        {
            Truncation = new TruncationOptions { MaxLength = 10, Stride = 2 },
            Padding = new PaddingOptions { Length = 12 },
        });
        Assert.All(new[] { e }.Concat(e.Overflowing), w => Assert.Equal(12, w.Length));
    }

    [Fact]
    public void PaddingWithoutAPadTokenFailsClearly()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Fixtures.Gpt2.Encode("hi", new EncodeOptions { Padding = new PaddingOptions { Length = 4 } }));
        Assert.Contains("pad token", e.Message);
    }

    [Fact]
    public void BatchEqualsOneByOne()
    {
        var cases = Fixtures.Lines("cases.jsonl");
        var inputs = cases.Select(c => (c.GetProperty("text").GetString()!, c.TryGetProperty("text_pair", out var p) ? p.GetString() : null)).ToList();
        foreach (var tokenizer in new[] { Fixtures.Bert, Fixtures.Gpt2, Fixtures.Roberta })
        {
            var batch = tokenizer.EncodeBatch(inputs);
            for (int i = 0; i < inputs.Count; i++)
            {
                var single = tokenizer.Encode(inputs[i].Item1, inputs[i].Item2);
                Assert.Equal(single.Ids, batch[i].Ids);
                Assert.Equal(single.Offsets, batch[i].Offsets);
            }
        }
    }

    [Fact]
    public void PairWordAndSequenceIds()
    {
        var e = Fixtures.Bert.Encode("hello, world", "hello");
        Assert.Equal([null, 0, 1, 2, null, 0, null], e.WordIds);
        Assert.Equal([null, 0, 0, 0, null, 1, null], e.SequenceIds);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1], e.TypeIds);
        Assert.Equal(3, e.CharToToken(8, sequence: 0));
        Assert.Equal(5, e.CharToToken(2, sequence: 1));
        var r = Fixtures.Roberta.Encode("Hello", "world");
        Assert.Equal([0, 31414, 2, 2, 8331, 2], r.Ids);
        Assert.All(r.TypeIds, t => Assert.Equal(0, t));
    }
}
