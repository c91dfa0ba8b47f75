// Which strings play the roles models ask for (pad, cls, sep, mask, unk, bos, eos) and the model's
// maximum length: read from tokenizer_config.json / special_tokens_map.json or guessed from the common
// spellings. Names only; ids come from the tokenizer's vocabulary.
namespace LlmMlNet.Tokenizers;

/// <summary>The special-token roles of a tokenizer (null where the tokenizer has none).</summary>
public sealed record SpecialTokenNames
{
    /// <summary>Padding token.</summary>
    public string? Pad { get; init; }
    /// <summary>Classification / sequence-start token ([CLS], &lt;s&gt;).</summary>
    public string? Cls { get; init; }
    /// <summary>Separator token ([SEP], &lt;/s&gt;).</summary>
    public string? Sep { get; init; }
    /// <summary>Mask token for masked LM ([MASK], &lt;mask&gt;).</summary>
    public string? Mask { get; init; }
    /// <summary>Unknown token.</summary>
    public string? Unk { get; init; }
    /// <summary>Beginning-of-sequence token.</summary>
    public string? Bos { get; init; }
    /// <summary>End-of-sequence token.</summary>
    public string? Eos { get; init; }

    /// <summary>Guesses the roles from the common spellings present in <paramref name="hasToken"/>.</summary>
    internal static SpecialTokenNames Guess(Func<string, bool> hasToken, string? unk)
    {
        string? First(params string[] names) => names.FirstOrDefault(hasToken);
        return new SpecialTokenNames
        {
            Pad = First("[PAD]", "<pad>"),
            Cls = First("[CLS]", "<s>"),
            Sep = First("[SEP]", "</s>"),
            Mask = First("[MASK]", "<mask>"),
            Unk = unk is not null && hasToken(unk) ? unk : First("[UNK]", "<unk>"),
            Bos = First("<s>", "<|endoftext|>"),
            Eos = First("</s>", "<|endoftext|>"),
        };
    }

    /// <summary>These roles with the ones <paramref name="other"/> names replacing them.</summary>
    internal SpecialTokenNames OverriddenBy(SpecialTokenNames other) => new()
    {
        Pad = other.Pad ?? Pad, Cls = other.Cls ?? Cls, Sep = other.Sep ?? Sep, Mask = other.Mask ?? Mask,
        Unk = other.Unk ?? Unk, Bos = other.Bos ?? Bos, Eos = other.Eos ?? Eos,
    };
}
