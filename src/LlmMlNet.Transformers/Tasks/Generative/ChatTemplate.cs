// How chat turns become text for a causal LM: the chat template stored with the model (tokenizer_config.json's
// "chat_template") when we recognise it, ChatML (TRL's setup_chat_format) when the model has none. This is not
// a Jinja engine: a template is compared, whitespace aside, with the forms we know, and any other is refused with
// the file named, rather than rendered wrongly.
using System.Text.Json;
using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Transformers.Tasks.Generative;

/// <summary>A piece of rendered chat text and whether its tokens are SFT targets.</summary>
/// <param name="Text">The text.</param>
/// <param name="IsTarget">True for what the assistant says (and its end marker).</param>
public readonly record struct ChatSegment(string Text, bool IsTarget);

/// <summary>A chat template the library can render (ChatML).</summary>
public sealed class ChatTemplate
{
    /// <summary>The file Hugging Face keeps the template in.</summary>
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>ChatML's turn opener.</summary>
    public const string ImStart = "<|im_start|>";

    /// <summary>ChatML's turn closer, also the stop string of generation with this template.</summary>
    public const string ImEnd = "<|im_end|>";

    /// <summary>ChatML as Jinja, exactly as TRL's setup_chat_format and Hugging Face's chat-templating guide write it.</summary>
    public const string ChatMlJinja = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
        + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private ChatTemplate(string name, string? source)
    {
        Name = name;
        Source = source;
    }

    /// <summary>ChatML: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per turn; the generation prompt is <c>&lt;|im_start|&gt;assistant\n</c>.</summary>
    public static ChatTemplate ChatMl { get; } = new("chatml", null);

    /// <summary>The template's name ("chatml").</summary>
    public string Name { get; }

    /// <summary>The file the template was read from, or null for the built-in default.</summary>
    public string? Source { get; }

    /// <summary>
    /// The template of a model folder: its tokenizer_config.json's "chat_template" when present (it must be a form we
    /// know), otherwise the documented default <see cref="ChatMl"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The folder's template is not one we can render (the message names the file).</exception>
    /// <exception cref="InvalidDataException">tokenizer_config.json is not valid JSON or its chat_template is not a string.</exception>
    public static ChatTemplate FromFolder(string? directory)
    {
        if (directory is null) return ChatMl;
        var path = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(path)) return ChatMl;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("chat_template", out var template)
                || template.ValueKind == JsonValueKind.Null)
                return ChatMl;
            if (template.ValueKind != JsonValueKind.String)
                throw new NotSupportedException($"{path}: \"chat_template\" is {template.ValueKind}; only a single template string is supported (ChatML).");
            return Parse(template.GetString()!, path);
        }
    }

    /// <summary>Recognises a Jinja chat template; <paramref name="source"/> names where it came from in errors.</summary>
    /// <exception cref="NotSupportedException">Not a form we know.</exception>
    public static ChatTemplate Parse(string jinja, string source)
    {
        ArgumentNullException.ThrowIfNull(jinja);
        if (Normalize(jinja) == Normalize(ChatMlJinja)) return new ChatTemplate("chatml", source);
        throw new NotSupportedException(
            $"{source}: the chat_template is not one llmmlnet can render (it supports ChatML, '{ChatMlJinja}'). "
            + "Remove chat_template to use the ChatML default, or use prompt/response data.");
    }

    /// <summary>
    /// The chat as segments: each turn's header is context, an assistant turn's content and end marker are targets.
    /// </summary>
    /// <exception cref="ArgumentException">A turn has an empty role.</exception>
    public IReadOnlyList<ChatSegment> Render(IReadOnlyList<ChatTurn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var segments = new List<ChatSegment>(turns.Count * 2);
        foreach (var turn in turns)
        {
            if (string.IsNullOrEmpty(turn.Role)) throw new ArgumentException("A chat turn needs a role.", nameof(turns));
            bool target = turn.Role == ChatTurn.AssistantRole;
            segments.Add(new ChatSegment($"{ImStart}{turn.Role}\n", false));
            segments.Add(new ChatSegment($"{turn.Content}{ImEnd}", target));
            segments.Add(new ChatSegment("\n", false));
        }
        return segments;
    }

    /// <summary>The prompt text for generating the next assistant turn after <paramref name="turns"/> (add_generation_prompt).</summary>
    public string GenerationPrompt(IReadOnlyList<ChatTurn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        return string.Concat(Render(turns).Select(s => s.Text)) + $"{ImStart}{ChatTurn.AssistantRole}\n";
    }

    // Whitespace outside the template's meaning (spaces in tags, line breaks between blocks) and quote style vary between copies.
    private static string Normalize(string jinja) => new(jinja.Where(c => !char.IsWhiteSpace(c)).Select(c => c == '"' ? '\'' : c).ToArray());
}
