// Settings for building a tokenizer in code (no files): BERT-style WordPiece and GPT-2/RoBERTa-style
// byte-level BPE, with Hugging Face's defaults. Plain settings; Tokenizer.Create* does the building.
namespace LlmMlNet.Tokenizers;

/// <summary>Options of <see cref="Tokenizer.CreateWordPiece"/>; defaults are bert-base-uncased's.</summary>
public sealed record WordPieceOptions
{
    /// <summary>Lowercase the text; default true.</summary>
    public bool Lowercase { get; init; } = true;
    /// <summary>Strip accents; default null (follow <see cref="Lowercase"/>).</summary>
    public bool? StripAccents { get; init; }
    /// <summary>Put each CJK ideograph in its own word; default true.</summary>
    public bool HandleChineseChars { get; init; } = true;
    /// <summary>Drop control characters and normalize whitespace; default true.</summary>
    public bool CleanText { get; init; } = true;
    /// <summary>Unknown token; default "[UNK]".</summary>
    public string UnkToken { get; init; } = "[UNK]";
    /// <summary>Classification token; default "[CLS]".</summary>
    public string ClsToken { get; init; } = "[CLS]";
    /// <summary>Separator token; default "[SEP]".</summary>
    public string SepToken { get; init; } = "[SEP]";
    /// <summary>Padding token; default "[PAD]".</summary>
    public string PadToken { get; init; } = "[PAD]";
    /// <summary>Mask token; default "[MASK]".</summary>
    public string MaskToken { get; init; } = "[MASK]";
    /// <summary>Continuation prefix; default "##".</summary>
    public string ContinuingSubwordPrefix { get; init; } = "##";
    /// <summary>Longer words (code points) become one unknown token; default 100.</summary>
    public int MaxInputCharsPerWord { get; init; } = 100;
    /// <summary>Model maximum length; default 512.</summary>
    public int? ModelMaxLength { get; init; } = 512;
}

/// <summary>Which special-token layout a byte-level BPE tokenizer uses.</summary>
public enum ByteLevelBpeStyle
{
    /// <summary>GPT-2: no special tokens added; &lt;|endoftext|&gt; is bos/eos.</summary>
    Gpt2,
    /// <summary>RoBERTa: &lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;, offsets trimmed, &lt;mask&gt; takes the space before it.</summary>
    Roberta,
}

/// <summary>Options of <see cref="Tokenizer.CreateByteLevelBpe"/>; defaults are GPT-2's.</summary>
public sealed record ByteLevelBpeOptions
{
    /// <summary>Special-token layout; default <see cref="ByteLevelBpeStyle.Gpt2"/>.</summary>
    public ByteLevelBpeStyle Style { get; init; } = ByteLevelBpeStyle.Gpt2;
    /// <summary>Prepend a space to the input (so the first word is tokenized like the others); default false.</summary>
    public bool AddPrefixSpace { get; init; }
    /// <summary>Model maximum length; default null (unknown).</summary>
    public int? ModelMaxLength { get; init; }
}
