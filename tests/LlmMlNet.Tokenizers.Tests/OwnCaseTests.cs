// Cases beyond the fixtures. Expectations are derived, not captured: from Hugging Face's algorithms
// (BERT cleaning/NFD/lowercasing, GPT-2's split pattern, byte-level losslessness) and from ids the
// fixtures already pin (e.g. "hello world" = 7592 2088). Lone surrogates, which Hugging Face cannot
// receive at all, are our documented choice: read as U+FFFD.
using LlmMlNet.Tokenizers.Models;
using LlmMlNet.Tokenizers.PreTokenizers;
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers.Tests;

public class OwnCaseTests
{
    private static int[] Ids(Tokenizer t, string text, bool special = false) => t.Encode(text, new EncodeOptions { AddSpecialTokens = special }).Ids.ToArray();

    [Theory]
    [InlineData("Héllo WÖRLD")]           // accents stripped, lowercased
    [InlineData("He\u0301llo wo\u0308rld")] // already decomposed accents
    [InlineData("hel\u0000lo\u0007 wor\u200Bld")] // NUL/BEL dropped, zero-width space (Cf) dropped
    [InlineData("hello\r\n\tworld")]      // \r \n \t are whitespace
    [InlineData("  hello \u00A0\u3000 world  ")] // NBSP, ideographic space
    [InlineData("hel\uD800lo world")]     // lone surrogate → U+FFFD → dropped by clean_text
    public void BertNormalizesTheseToHelloWorld(string text)
    {
        Assert.Equal([7592, 2088], Ids(Fixtures.Bert, text));
    }

    [Fact]
    public void BertOffsetsSpanDroppedCharacters()
    {
        var e = Fixtures.Bert.Encode("hel\u0000lo\u0007 wor\u200Bld", new EncodeOptions { AddSpecialTokens = false });
        Assert.Equal([(0, 6), (8, 14)], e.Offsets);
        var crlf = Fixtures.Bert.Encode("a\r\nb", new EncodeOptions { AddSpecialTokens = false });
        Assert.Equal([(0, 1), (3, 4)], crlf.Offsets);
    }

    [Fact]
    public void BertTurkishDottedCapitalIStripsToPlainI() =>
        Assert.Equal(Ids(Fixtures.Bert, "istanbul"), Ids(Fixtures.Bert, "İstanbul"));

    [Fact]
    public void BertSplitsCjkPerIdeographIncludingAstralOnes()
    {
        var e = Fixtures.Bert.Encode("中文abc\U00020B9F!", new EncodeOptions { AddSpecialTokens = false });
        Assert.Equal([(0, 1), (1, 2), (2, 5), (5, 7), (7, 8)], e.Offsets);
        Assert.Equal("中", e.Tokens[0]);
        Assert.Equal("!", e.Tokens[^1]);
    }

    [Fact]
    public void BertEmojiWithSkinToneIsOneUnknownCoveringBothCodePoints()
    {
        var e = Fixtures.Bert.Encode("ok 👍🏽!", new EncodeOptions { AddSpecialTokens = false });
        Assert.Equal(["ok", "[UNK]", "!"], e.Tokens);
        Assert.Equal((3, 7), e.Offsets[1]);
    }

    [Fact]
    public void BertWordLengthLimitCountsCodePoints()
    {
        var e101 = Fixtures.Bert.Encode(new string('a', 101), new EncodeOptions { AddSpecialTokens = false });
        Assert.Equal(["[UNK]"], e101.Tokens);
        Assert.Equal((0, 101), e101.Offsets[0]);
        var e100 = Fixtures.Bert.Encode(new string('a', 100), new EncodeOptions { AddSpecialTokens = false });
        Assert.NotEqual(["[UNK]"], e100.Tokens);
        Assert.Equal(100, e100.Offsets[^1].End);
    }

    [Fact]
    public void BertRepeatedPunctuationIsOneTokenPerCharacter()
    {
        var e = Fixtures.Bert.Encode("wow!!!...", new EncodeOptions { AddSpecialTokens = false });
        Assert.Equal(["wow", "!", "!", "!", ".", ".", "."], e.Tokens);
    }

    [Fact]
    public void BertDecodeJoinsPiecesAndCleansSpaces()
    {
        var ids = Fixtures.Bert.EncodeToIds("Hello, world! It's fine.");
        // Hugging Face's WordPiece decoder cleans each token on its own (" '" has no rule; " ." does), so the
        // apostrophe keeps its spaces; transformers' later clean_up_tokenization_spaces is not part of it.
        Assert.Equal("hello, world! it ' s fine.", Fixtures.Bert.Decode(ids, skipSpecialTokens: true));
        Assert.StartsWith("[CLS] hello", Fixtures.Bert.Decode(ids));
    }

    [Fact]
    public void Gpt2SplitPatternFollowsTheRegexAlternation()
    {
        var text = "Hello  world\t\tfoo's 123";
        var words = new List<WordSpan>();
        new ByteLevelPreTokenizer(false).Split(NormalizedText.Identity(text, 0, text.Length), 0, text.Length, words);
        Assert.Equal(["Hello", " ", " world", "\t", "\t", "foo", "'s", " 123"], words.Select(w => text[w.Start..w.End]));
    }

    [Fact]
    public void Gpt2AddPrefixSpaceMakesTheFirstWordLikeTheOthers()
    {
        var model = (ByteLevelBpeModel)Fixtures.Gpt2.Model;
        var tokenizer = Tokenizer.CreateByteLevelBpe(model.VocabularyMap, model.Merges, new ByteLevelBpeOptions { AddPrefixSpace = true });
        var e = tokenizer.Encode("world");
        Assert.Equal(Ids(Fixtures.Gpt2, " world"), e.Ids);
        Assert.Equal((0, 5), e.Offsets[0]);
    }

    public static TheoryData<string> Texts => new()
    {
        "", " ", "\r\n\r\n", "naïve café — “quoted” …", "日本語のテキスト", "🧑‍🚀👩🏽‍🔬🇫🇷1️⃣", "https://example.com:8080/a?b=c#d",
        "int x = a[i] >= 0 ? 1 : -2; // done", "$1,299.99 on 2024-03-01", "!!!???...", new string('x', 300), "tab\tsep\u00A0nbsp",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void ByteLevelDecodingRoundTrips(string text)
    {
        Assert.Equal(text, Fixtures.Gpt2.Decode(Ids(Fixtures.Gpt2, text)));
        Assert.Equal(text, Fixtures.Roberta.Decode(Ids(Fixtures.Roberta, text, special: true), skipSpecialTokens: true));
    }

    [Fact]
    public void ByteLevelReadsALoneSurrogateAsReplacementCharacter()
    {
        Assert.Equal(Ids(Fixtures.Gpt2, "a\uFFFDb"), Ids(Fixtures.Gpt2, "a\uDC00b"));
        var e = Fixtures.Gpt2.Encode("a\uD83Db");
        Assert.Equal("a\uFFFDb", Fixtures.Gpt2.Decode(e.Ids));
        Assert.Contains((1, 2), e.Offsets);
    }

    [Fact]
    public void RandomTextNeverCrashesAndOffsetsStayInBounds()
    {
        var random = new Random(1234);
        char[] alphabet = "aZ9 \t\n\r.,'!é中😀\uD800\uDC00\u0301\u200B\u00A0[]<>sS".ToCharArray();
        foreach (var tokenizer in new[] { Fixtures.Bert, Fixtures.Gpt2, Fixtures.Roberta })
        {
            for (int n = 0; n < 200; n++)
            {
                var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
                var e = tokenizer.Encode(text, text, new EncodeOptions { Truncation = new TruncationOptions { MaxLength = 16, Stride = 2 } });
                foreach (var w in new[] { e }.Concat(e.Overflowing))
                {
                    Assert.True(w.Length <= 16);
                    Assert.All(w.Offsets, o => Assert.True(0 <= o.Start && o.Start <= o.End && o.End <= text.Length, $"offset {o} in '{text}'"));
                }
            }
        }
    }

    [Fact]
    public void CountTokensAndEncodeToTokensAgreeWithEncode()
    {
        const string text = "The quick brown fox, 🦊, jumps!";
        foreach (var tokenizer in new[] { Fixtures.Bert, Fixtures.Gpt2, Fixtures.Roberta })
        {
            var e = tokenizer.Encode(text);
            Assert.Equal(e.Length, tokenizer.CountTokens(text));
            var tokens = tokenizer.EncodeToTokens(text);
            Assert.Equal(e.Ids, tokens.Select(t => t.Id));
            Assert.Equal(e.Offsets, tokens.Select(t => t.Offset));
        }
        Assert.Equal(2, Fixtures.Bert.CountTokens(""));
        Assert.Equal(0, Fixtures.Gpt2.CountTokens(""));
    }
}
