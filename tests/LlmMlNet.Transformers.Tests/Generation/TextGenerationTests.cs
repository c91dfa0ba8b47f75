// Text generation with the shared parity checkpoint's real GPT-2 tokenizer: completions decode the
// greedy ids, stop strings end a row and cut its text, the stream's pieces add up to the batch call's
// text (with and without a stop string), and cancellation stops both a stream and a batch call.
using LlmMlNet.TestSupport;
using LlmMlNet.Transformers.Generation;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Generation;

public sealed class TextGenerationTests
{
    private static readonly Lazy<TextGenerator> Shared = new(() => TextGenerator.Load(RepoPaths.Fixture("parity", "gpt2-tiny-random")));

    private static readonly GenerationOptions Options = new() { MaxNewTokens = 24, EosTokenIds = [] };

    [Fact]
    public void CompletionsAreTheDecodedGreedyIdsOfTheEncodedPrompts()
    {
        var generator = Shared.Value;
        string[] prompts = ["Hello world", "the"];
        var texts = generator.Generate(prompts, Options);
        var ids = generator.Tokens.Generate(prompts.Select(p => generator.Tokenizer.EncodeToIds(p)).ToArray(), Options);
        for (var row = 0; row < prompts.Length; row++)
        {
            Assert.Equal(ids[row].TokenIds, texts[row].TokenIds);
            Assert.Equal(generator.Tokenizer.Decode(ids[row].TokenIds, skipSpecialTokens: true), texts[row].Text);
            Assert.Equal(24, texts[row].TokenIds.Count);
        }
    }

    [Fact]
    public void AStopStringEndsTheRowAndIsCutFromTheText()
    {
        var generator = Shared.Value;
        var full = generator.Generate("Hello world", Options);
        // A stop string from the middle of the greedy completion: the row must stop there, earlier than without it.
        var stop = full.Text.Substring(full.Text.Length / 2, 2);
        var expectedText = full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)];
        var stopped = generator.Generate("Hello world", Options with { StopStrings = ["never appears \u0001", stop] });
        Assert.Equal(FinishReason.StopString, stopped.FinishReason);
        Assert.Equal(expectedText, stopped.Text);
        Assert.True(stopped.TokenIds.Count < full.TokenIds.Count);
        Assert.Equal(full.TokenIds.Take(stopped.TokenIds.Count), stopped.TokenIds);
    }

    [Fact]
    public async Task TheStreamAddsUpToTheCompletionWithAndWithoutAStopString()
    {
        var generator = Shared.Value;
        var full = generator.Generate("Hello world", Options);
        var pieces = new List<string>();
        await foreach (var piece in generator.GenerateAsync("Hello world", Options)) pieces.Add(piece);
        Assert.True(pieces.Count > 1, "the completion came in one piece");
        Assert.DoesNotContain("", pieces);
        Assert.Equal(full.Text, string.Concat(pieces));

        var stop = full.Text.Substring(full.Text.Length / 2, 2);
        var withStop = Options with { StopStrings = [stop] };
        var streamed = new List<string>();
        await foreach (var piece in generator.GenerateAsync("Hello world", withStop)) streamed.Add(piece);
        Assert.Equal(generator.Generate("Hello world", withStop).Text, string.Concat(streamed));
    }

    [Fact]
    public async Task CancellationStopsTheStreamAndTheBatchCall()
    {
        var generator = Shared.Value;
        using var source = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in generator.GenerateAsync("Hello world", Options, source.Token))
                if (++received == 2) source.Cancel();
        });
        Assert.Equal(2, received);
        Assert.ThrowsAny<OperationCanceledException>(() => generator.Generate(["Hello"], Options, source.Token));
    }

    [Fact]
    public void AnEmptyPromptStartsFromBos()
    {
        var generator = Shared.Value;
        var fromEmpty = generator.Generate("", Options with { MaxNewTokens = 5 });
        var fromBos = generator.Tokens.Generate([[456]], Options with { MaxNewTokens = 5 });
        Assert.Equal(fromBos[0].TokenIds, fromEmpty.TokenIds);
        Assert.Equal(1, fromEmpty.PromptTokens);
    }
}
