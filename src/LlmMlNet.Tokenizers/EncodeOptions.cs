// Options of one Encode call: special tokens, truncation (with stride windows) and padding, with the
// Hugging Face defaults. Plain settings; the work is in Tokenizer and TruncationWindows.
namespace LlmMlNet.Tokenizers;

/// <summary>How a pair is truncated to fit the maximum length (Hugging Face names in comments).</summary>
public enum TruncationStrategy
{
    /// <summary><c>longest_first</c>: take from the longer sequence first (both halves when both are long).</summary>
    LongestFirst,
    /// <summary><c>only_first</c>: truncate only the first sequence.</summary>
    OnlyFirst,
    /// <summary><c>only_second</c>: truncate only the second sequence (QA contexts).</summary>
    OnlySecond,
}

/// <summary>Which end of a sequence truncation or padding acts on.</summary>
public enum Side
{
    /// <summary>The start.</summary>
    Left,
    /// <summary>The end (default).</summary>
    Right,
}

/// <summary>Truncation settings.</summary>
public sealed record TruncationOptions
{
    /// <summary>Maximum total length, special tokens included (required); it must leave room for the special tokens.</summary>
    public required int MaxLength { get; init; }

    /// <summary>Tokens shared by consecutive overflowing windows; default 0. Must be less than the room left for the truncated sequence.</summary>
    public int Stride { get; init; }

    /// <summary>Pair strategy; default <see cref="TruncationStrategy.LongestFirst"/>.</summary>
    public TruncationStrategy Strategy { get; init; } = TruncationStrategy.LongestFirst;

    /// <summary>Where tokens are removed; default <see cref="Side.Right"/>.</summary>
    public Side Direction { get; init; } = Side.Right;

    /// <summary>
    /// How many windows of each truncated sequence to keep: the truncated encoding plus up to this many minus one in
    /// <c>Overflowing</c> (for a pair, the combinations of the kept windows of both); default null keeps every window, as
    /// Hugging Face does. With a limit and <see cref="Direction"/> Right, a long text is read only as far as those
    /// windows reach, so memory per row is bounded by max length × windows, not by the row's length. Must be at least 1.
    /// </summary>
    public int? MaxWindows { get; init; }
}

/// <summary>Padding settings.</summary>
public sealed record PaddingOptions
{
    /// <summary>Pad to this length; null (default) pads a batch to its longest encoding.</summary>
    public int? Length { get; init; }

    /// <summary>Round the padded length up to a multiple of this; default null.</summary>
    public int? PadToMultipleOf { get; init; }

    /// <summary>Where padding goes; default <see cref="Side.Right"/>.</summary>
    public Side Direction { get; init; } = Side.Right;

    /// <summary>Type id of padding tokens; default 0.</summary>
    public int PadTypeId { get; init; }
}

/// <summary>Options of an Encode call; the defaults add special tokens and neither truncate nor pad.</summary>
public sealed record EncodeOptions
{
    /// <summary>Default options.</summary>
    public static EncodeOptions Default { get; } = new();

    /// <summary>Add the post-processor's special tokens ([CLS]/[SEP], &lt;s&gt;/&lt;/s&gt;); default true.</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>Truncation; default null (none).</summary>
    public TruncationOptions? Truncation { get; init; }

    /// <summary>Padding; default null (none).</summary>
    public PaddingOptions? Padding { get; init; }
}
