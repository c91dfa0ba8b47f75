// The task heads by name, which parameter groups each needs per family, and their construction, so
// callers (CLI, ML.NET estimators) pick a head from a string without knowing the classes. Not the
// heads themselves.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Heads;

/// <summary>A task head.</summary>
public enum HeadKind
{
    /// <summary>No head: the body's last hidden state only.</summary>
    None,
    /// <summary>Masked LM (encoders).</summary>
    MaskedLm,
    /// <summary>Causal LM (GPT-2).</summary>
    CausalLm,
    /// <summary>Sequence classification.</summary>
    Classification,
    /// <summary>Extractive QA.</summary>
    QuestionAnswering,
}

/// <summary>Head names, groups and construction.</summary>
public static class HeadKinds
{
    private static readonly Dictionary<string, HeadKind> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = HeadKind.None,
        ["mlm"] = HeadKind.MaskedLm,
        ["clm"] = HeadKind.CausalLm,
        ["classification"] = HeadKind.Classification,
        ["qa"] = HeadKind.QuestionAnswering,
    };

    /// <summary>The accepted names: none, mlm, clm, classification, qa.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>Parses a head name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static HeadKind Parse(string name) =>
        ByName.TryGetValue(name, out var kind) ? kind
            : throw new ArgumentException($"unknown head '{name}'; choose one of {string.Join(", ", ByName.Keys)}", nameof(name));

    /// <summary>The parameter groups a model of <paramref name="family"/> with this head needs.</summary>
    /// <exception cref="NotSupportedException">The family has no such head (masked LM on GPT-2, causal LM on an encoder).</exception>
    public static IReadOnlySet<KeyGroup> Groups(HeadKind kind, ModelFamily family) => kind switch
    {
        HeadKind.None => new HashSet<KeyGroup> { KeyGroup.Encoder },
        HeadKind.MaskedLm when family != ModelFamily.Gpt2 => new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.MaskedLm },
        HeadKind.CausalLm when family == ModelFamily.Gpt2 => new HashSet<KeyGroup> { KeyGroup.Encoder },
        HeadKind.Classification => family == ModelFamily.Bert
            ? new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Pooler, KeyGroup.Classification }
            : new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Classification },
        HeadKind.QuestionAnswering => new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.QuestionAnswering },
        _ => throw new NotSupportedException($"{family} has no {kind} head"),
    };

    /// <summary>Builds the head on <paramref name="model"/> (before its first Forward); null for <see cref="HeadKind.None"/>.</summary>
    public static TransformerHead? Create(HeadKind kind, TransformerModel model) => kind switch
    {
        HeadKind.None => null,
        HeadKind.MaskedLm => new MaskedLmHead(model),
        HeadKind.CausalLm => new CausalLmHead(model),
        HeadKind.Classification => new SequenceClassificationHead(model),
        _ => new QuestionAnsweringHead(model),
    };
}
