// The records of the generative tasks' data files: one SFT example (prompt → response, or a chat of role/content
// turns) and one DPO preference pair (prompt, chosen, rejected), each with the line it came from so errors can
// name it. Plain data; the readers are SftDataReader and PreferenceDataReader, the rendering ChatTemplate.
namespace LlmMlNet.Transformers.Data;

/// <summary>One turn of a chat: a role ("system", "user", "assistant") and its text.</summary>
/// <param name="Role">The speaker.</param>
/// <param name="Content">What was said.</param>
public sealed record ChatTurn(string Role, string Content)
{
    /// <summary>The role whose turns an SFT model learns to produce.</summary>
    public const string AssistantRole = "assistant";
}

/// <summary>
/// One supervised fine-tuning example: either <see cref="Prompt"/> and <see cref="Response"/> (TRL's prompt-completion form),
/// or <see cref="Messages"/> (TRL's conversational form, rendered with the model's chat template).
/// </summary>
public sealed record SftExample
{
    /// <summary>The prompt (prompt-completion form), else null.</summary>
    public string? Prompt { get; init; }

    /// <summary>The response the model learns (prompt-completion form), else null.</summary>
    public string? Response { get; init; }

    /// <summary>The chat (conversational form), else null; the loss covers the assistant turns.</summary>
    public IReadOnlyList<ChatTurn>? Messages { get; init; }

    /// <summary>1-based line of the source file (0 when built in code).</summary>
    public long LineNumber { get; init; }

    /// <summary>A prompt-completion example.</summary>
    public static SftExample Of(string prompt, string response, long lineNumber = 0)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(response);
        return new SftExample { Prompt = prompt, Response = response, LineNumber = lineNumber };
    }

    /// <summary>A conversational example.</summary>
    /// <exception cref="ArgumentException">No turns.</exception>
    public static SftExample Chat(IReadOnlyList<ChatTurn> messages, long lineNumber = 0)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) throw new ArgumentException("A chat example needs at least one message.", nameof(messages));
        return new SftExample { Messages = messages, LineNumber = lineNumber };
    }
}

/// <summary>One DPO preference pair: the response a rater preferred and the one they rejected, for the same prompt.</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="Chosen">The preferred response (y_w).</param>
/// <param name="Rejected">The dispreferred response (y_l).</param>
/// <param name="LineNumber">1-based line of the source file (0 when built in code).</param>
public sealed record PreferenceExample(string Prompt, string Chosen, string Rejected, long LineNumber = 0);
