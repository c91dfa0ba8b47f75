// Tokenizes generative-task examples as TRL does: prompt and response are encoded separately (so the boundary
// never moves with BPE merges) and concatenated, EOS is appended to the response, chats are rendered with the
// model's ChatTemplate and only assistant turns are targets. When an example is too long the prompt keeps its
// end (up to MaxPromptLength, TRL's truncation_mode "keep_end") and the response is cut on the right.
// Not a collator (Training.SupervisedCollator) and not generation.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks.Generative;

/// <summary>Turns SFT examples and preference pairs into token sequences with labels.</summary>
public sealed class CausalLmFeaturizer
{
    private const int Ignore = LanguageModelBatch.IgnoreTarget;

    /// <summary>Creates the featurizer.</summary>
    /// <param name="tokenizer">The model's tokenizer; it must have an EOS token.</param>
    /// <param name="template">How chats are rendered.</param>
    /// <param name="maxLength">Most tokens per sequence (prompt + response + EOS).</param>
    /// <param name="maxPromptLength">Most prompt tokens kept when a sequence is too long; null means half of <paramref name="maxLength"/>.</param>
    /// <exception cref="ArgumentException">The tokenizer has no EOS token, or a length below 2.</exception>
    public CausalLmFeaturizer(Tokenizer tokenizer, ChatTemplate template, int maxLength, int? maxPromptLength = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(template);
        if (maxLength < 2) throw new ArgumentException($"maxLength must be at least 2, got {maxLength}.", nameof(maxLength));
        int prompt = maxPromptLength ?? maxLength / 2;
        if (prompt < 1 || prompt >= maxLength)
            throw new ArgumentException($"maxPromptLength must be in [1, {maxLength - 1}], got {prompt}.", nameof(maxPromptLength));
        Tokenizer = tokenizer;
        Template = template;
        MaxLength = maxLength;
        MaxPromptLength = prompt;
        EosId = tokenizer.EosTokenId ?? throw new ArgumentException("The tokenizer has no EOS token; generative fine-tuning appends one to every response.", nameof(tokenizer));
    }

    /// <summary>The tokenizer.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>The chat template.</summary>
    public ChatTemplate Template { get; }

    /// <summary>Most tokens per sequence.</summary>
    public int MaxLength { get; }

    /// <summary>Most prompt tokens kept when a sequence is too long.</summary>
    public int MaxPromptLength { get; }

    /// <summary>The EOS id appended to responses.</summary>
    public int EosId { get; }

    /// <summary>The ids of a prompt as generation sees it: the text itself, or a chat rendered up to the assistant's turn.</summary>
    public int[] EncodePrompt(SftExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var text = example.Messages is { } turns ? Template.GenerationPrompt(PromptTurns(turns)) : example.Prompt!;
        return KeepEnd(Encode(text), MaxPromptLength);
    }

    /// <summary>The reference response's text (the last assistant turn of a chat).</summary>
    public static string ReferenceResponse(SftExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (example.Messages is not { } turns) return example.Response!;
        return turns.LastOrDefault(t => t.Role == ChatTurn.AssistantRole)?.Content ?? "";
    }

    /// <summary>An SFT example as ids and labels (loss on the response or the assistant turns, and EOS).</summary>
    public SupervisedSequence Featurize(SftExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (example.Messages is { } turns) return FeaturizeChat(turns);
        return Join(Encode(example.Prompt!), Encode(example.Response!));
    }

    /// <summary>A preference pair: prompt + chosen and prompt + rejected, each with EOS.</summary>
    public PreferencePair Featurize(PreferenceExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var prompt = Encode(example.Prompt);
        return new PreferencePair(Join(prompt, Encode(example.Chosen)), Join(prompt, Encode(example.Rejected)));
    }

    private SupervisedSequence Join(int[] prompt, int[] response)
    {
        // Too long: the prompt loses only what does not fit, but keeps at least MaxPromptLength tokens; the response takes the rest (>= 1).
        if (prompt.Length + response.Length + 1 > MaxLength) prompt = KeepEnd(prompt, Math.Max(MaxPromptLength, MaxLength - response.Length - 1));
        int keep = Math.Min(response.Length + 1, MaxLength - prompt.Length);
        var ids = new int[prompt.Length + keep];
        var labels = new int[ids.Length];
        prompt.CopyTo(ids, 0);
        labels.AsSpan(0, prompt.Length).Fill(Ignore);
        for (int i = 0; i < keep; i++)
        {
            int id = i < response.Length ? response[i] : EosId;
            ids[prompt.Length + i] = id;
            labels[prompt.Length + i] = id;
        }
        return new SupervisedSequence(ids, labels);
    }

    private SupervisedSequence FeaturizeChat(IReadOnlyList<ChatTurn> turns)
    {
        var ids = new List<int>();
        var labels = new List<int>();
        foreach (var segment in Template.Render(turns))
            foreach (var id in Encode(segment.Text))
            {
                ids.Add(id);
                labels.Add(segment.IsTarget ? id : Ignore);
            }
        ids.Add(EosId);
        labels.Add(EosId);
        int n = Math.Min(ids.Count, MaxLength);
        return new SupervisedSequence([.. ids.Take(n)], [.. labels.Take(n)]);
    }

    // The turns before the last assistant turn: what the model is asked to continue.
    private static IReadOnlyList<ChatTurn> PromptTurns(IReadOnlyList<ChatTurn> turns)
    {
        int last = turns.Count - 1;
        while (last >= 0 && turns[last].Role != ChatTurn.AssistantRole) last--;
        return last < 0 ? turns : turns.Take(last).ToList();
    }

    private int[] Encode(string text) => text.Length == 0 ? [] : [.. Tokenizer.EncodeToIds(text, addSpecialTokens: false)];

    private static int[] KeepEnd(int[] ids, int count) => ids.Length <= count ? ids : ids[^count..];
}
