// One training example for language-model objectives: a run of token ids (a packed fixed-length
// block, or one document) with, per token, whether it continues the previous token's word (for
// whole-word masking). Not a batch: collators pad and stack blocks.
namespace LlmMlNet.Transformers.Training;

/// <summary>Token ids with optional word-continuation flags.</summary>
public sealed class TokenBlock
{
    /// <summary>Creates a block.</summary>
    /// <exception cref="ArgumentException">Empty ids, or flags of another length.</exception>
    public TokenBlock(int[] ids, bool[]? continuesWord = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length == 0) throw new ArgumentException("A token block needs at least one token.", nameof(ids));
        if (continuesWord is not null && continuesWord.Length != ids.Length)
            throw new ArgumentException($"continuesWord has {continuesWord.Length} flags for {ids.Length} tokens.", nameof(continuesWord));
        Ids = ids;
        ContinuesWord = continuesWord;
    }

    /// <summary>Token ids.</summary>
    public int[] Ids { get; }

    /// <summary>True where a token continues the previous token's word (WordPiece "##" pieces); null when unknown.</summary>
    public bool[]? ContinuesWord { get; }

    /// <summary>Number of tokens.</summary>
    public int Length => Ids.Length;
}
