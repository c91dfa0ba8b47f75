// CausalLmChatClient as M.E.AI code sees it, on the shared GPT-2 parity checkpoint: the reply is the greedy
// continuation of the ChatML-rendered chat (cut at <|im_end|>), with usage and finish reason; the stream adds up to
// the reply; Instructions become a system turn; ChatOptions' seed makes sampling reproducible and temperature 0 is
// greedy; cancellation stops it; metadata comes through GetService.
using LlmMlNet.ML.Generation;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Generation;
using LlmMlNet.Transformers.Tasks.Generative;
using Microsoft.Extensions.AI;
using Xunit;

namespace LlmMlNet.ML.Tests.Generation;

public class ChatClientTests
{
    // Short: the tiny tokenizer spends a token per character or two on ChatML markup, and the model has 128 positions.
    private static readonly ChatMessage[] Chat = [new(ChatRole.User, "Hi")];

    [Fact]
    public async Task TheReplyIsTheGreedyContinuationOfTheRenderedChat()
    {
        using var client = CausalLmChatClient.FromPretrained(TextGenerationTests.Gpt2);
        var options = new ChatOptions { MaxOutputTokens = 10 };
        var reply = await client.GetResponseAsync(Chat, options);

        var generator = TextGenerator.Load(TextGenerationTests.Gpt2);
        var prompt = ChatTemplate.ChatMl.GenerationPrompt(Chat.Select(m => new ChatTurn(m.Role.Value, m.Text)).ToArray());
        var expected = generator.Generate(prompt, new GenerationOptions { MaxNewTokens = 10, StopStrings = [ChatTemplate.ImEnd] });
        Assert.Equal(expected.Text, reply.Text);
        Assert.Equal(ChatRole.Assistant, reply.Messages.Single().Role);
        Assert.Equal(expected.PromptTokens, reply.Usage!.InputTokenCount);
        Assert.Equal(expected.TokenIds.Count, reply.Usage.OutputTokenCount);
        Assert.Equal(expected.FinishReason == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop, reply.FinishReason);

        var streamed = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync(Chat, options)) streamed.Add(update.Text);
        Assert.Equal(reply.Text, string.Concat(streamed));

        var withInstructions = await client.GetResponseAsync(Chat, new ChatOptions { MaxOutputTokens = 10, Instructions = "Be nice" });
        Assert.True(withInstructions.Usage!.InputTokenCount > reply.Usage.InputTokenCount);

        var metadata = (ChatClientMetadata)client.GetService(typeof(ChatClientMetadata))!;
        Assert.Equal("LlmMlNet", metadata.ProviderName);
        Assert.Equal("gpt2-tiny-random", metadata.DefaultModelId);
        Assert.Same(client, client.GetService(typeof(IChatClient)));
    }

    [Fact]
    public async Task SamplingFollowsTheSeedTemperatureZeroIsGreedyAndCancellationStops()
    {
        using var client = CausalLmChatClient.FromPretrained(TextGenerationTests.Gpt2);
        async Task<string> Reply(ChatOptions o) => (await client.GetResponseAsync(Chat, o)).Text;
        var sampled = new ChatOptions { MaxOutputTokens = 12, Temperature = 1.5f, TopK = 0, Seed = 3 };
        Assert.Equal(await Reply(sampled), await Reply(sampled));
        Assert.NotEqual(await Reply(sampled), await Reply(new ChatOptions { MaxOutputTokens = 12, Temperature = 1.5f, TopK = 0, Seed = 4 }));
        Assert.Equal(await Reply(new ChatOptions { MaxOutputTokens = 12 }), await Reply(new ChatOptions { MaxOutputTokens = 12, Temperature = 0, Seed = 9 }));

        using var source = new CancellationTokenSource();
        source.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Chat, sampled, source.Token));
    }
}
