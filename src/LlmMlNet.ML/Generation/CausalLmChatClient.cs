// Microsoft.Extensions.AI's IChatClient over a local (fine-tuned) GPT-2, so M.E.AI code talks to it as to any
// chat service: messages are rendered with the model folder's chat template (ChatML by default, as SFT trains),
// the assistant turn is generated until the template's end marker, EOS or the token limit, and streamed piece by
// piece. ChatOptions map to generation: MaxOutputTokens, Temperature (0 = greedy), TopP, TopK, Seed, StopSequences.
using System.Runtime.CompilerServices;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Generation;
using LlmMlNet.Transformers.Tasks.Generative;
using LlmMlNet.Transformers.Training;
using Microsoft.Extensions.AI;

namespace LlmMlNet.ML.Generation;

/// <summary>A local causal language model as an <see cref="IChatClient"/>.</summary>
/// <example>
/// <code>
/// IChatClient client = CausalLmChatClient.FromPretrained("my-sft-model");
/// ChatResponse reply = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What is the refund window?")]);
/// </code>
/// </example>
public sealed class CausalLmChatClient : IChatClient
{
    private readonly TextGenerator _generator;
    private readonly ChatTemplate _template;
    private readonly GenerationOptions _defaults;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Wraps a generator; the chat template comes from <paramref name="modelPath"/> (ChatML when it names none or is null).</summary>
    /// <param name="generator">The model and tokenizer.</param>
    /// <param name="modelPath">The model folder (for its tokenizer_config.json's chat_template and the model id), or null.</param>
    /// <param name="defaults">Generation settings a request's ChatOptions do not override; null: greedy, 128 new tokens.</param>
    /// <exception cref="NotSupportedException">The folder's chat template is not one the library renders.</exception>
    public CausalLmChatClient(TextGenerator generator, string? modelPath = null, GenerationOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        _generator = generator;
        _template = ChatTemplate.FromFolder(modelPath);
        _defaults = (defaults ?? new GenerationOptions { MaxNewTokens = 128 }).Validate();
        ModelId = modelPath is null ? "llmmlnet" : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelPath)));
        _metadata = new ChatClientMetadata("LlmMlNet", null, ModelId);
    }

    /// <summary>Loads a GPT-2 folder (config.json, model.safetensors, tokenizer files, optional chat_template).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json, the weights or the tokenizer are missing; the message names the file.</exception>
    /// <exception cref="NotSupportedException">Not a GPT-2 model, or an unsupported chat template.</exception>
    public static CausalLmChatClient FromPretrained(string modelPath, GenerationOptions? defaults = null)
    {
        string folder = LocalModelPaths.RequireCheckpointFolder(modelPath, nameof(modelPath));
        var tokenizer = LocalModelPaths.LoadTokenizer(folder, "tokenizer");
        return new CausalLmChatClient(new TextGenerator(Pretraining.FromCheckpoint(folder, out _), tokenizer), folder, defaults);
    }

    /// <summary>The model name reported in responses (the folder's name).</summary>
    public string ModelId { get; }

    /// <summary>
    /// Generates the assistant's reply to <paramref name="messages"/>. Usage counts the rendered prompt's tokens and the new ones;
    /// FinishReason is Stop (end marker, EOS or a stop sequence) or Length.
    /// </summary>
    /// <exception cref="ArgumentException">The rendered chat plus MaxOutputTokens exceeds the model's positions, or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (checked before every token).</exception>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (prompt, generation) = Prepare(messages, options);
        return Task.Run(() =>
        {
            var result = _generator.Generate(prompt, generation, cancellationToken);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, result.Text))
            {
                ModelId = ModelId,
                FinishReason = result.FinishReason == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop,
                Usage = new UsageDetails
                {
                    InputTokenCount = result.PromptTokens,
                    OutputTokenCount = result.TokenIds.Count,
                    TotalTokenCount = result.PromptTokens + result.TokenIds.Count,
                },
            };
        }, cancellationToken);
    }

    /// <summary>Streams the assistant's reply as text updates (a character split across tokens arrives whole).</summary>
    /// <exception cref="ArgumentException">As <see cref="GetResponseAsync"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (checked before every token).</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (prompt, generation) = Prepare(messages, options);
        await foreach (var piece in _generator.GenerateAsync(prompt, generation, cancellationToken).ConfigureAwait(false))
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ModelId = ModelId };
    }

    /// <summary>This client, or its <see cref="ChatClientMetadata"/>, or the <see cref="TextGenerator"/> it runs; null otherwise.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType.IsInstanceOfType(this)) return this;
        if (serviceType.IsInstanceOfType(_generator)) return _generator;
        return null;
    }

    /// <summary>Nothing to release (the model lives in managed memory).</summary>
    public void Dispose()
    {
    }

    private (string Prompt, GenerationOptions Options) Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turns = new List<ChatTurn>();
        if (options?.Instructions is { Length: > 0 } instructions) turns.Add(new ChatTurn(ChatRole.System.Value, instructions));
        turns.AddRange(messages.Select(m => new ChatTurn(m.Role.Value, m.Text)));
        var generation = _defaults;
        if (options is not null)
        {
            bool sample = generation.DoSample || options.Temperature is > 0f || options.TopP is not null || options.TopK is not null;
            generation = generation with
            {
                MaxNewTokens = options.MaxOutputTokens ?? generation.MaxNewTokens,
                DoSample = options.Temperature is 0f ? false : sample,
                Temperature = options.Temperature is > 0f ? options.Temperature.Value : generation.Temperature,
                TopP = options.TopP ?? generation.TopP,
                TopK = options.TopK ?? generation.TopK,
                Seed = options.Seed is { } seed ? unchecked((ulong)seed) : generation.Seed,
                StopStrings = [.. generation.StopStrings, .. options.StopSequences ?? []],
            };
        }
        // The template's end marker ends the turn: as text, and as a token id when the tokenizer holds it as one.
        var eos = (generation.EosTokenIds ?? (_generator.Tokens.Model.Config.EosTokenId is { } e ? [e] : [])).ToList();
        if (_generator.Tokenizer.TokenToId(ChatTemplate.ImEnd) is { } end && !eos.Contains(end)) eos.Add(end);
        generation = generation with { EosTokenIds = eos, StopStrings = [.. generation.StopStrings, ChatTemplate.ImEnd] };
        return (_template.GenerationPrompt(turns), generation.Validate());
    }
}
