// The model stage: turns one pre-tokenized word into vocabulary tokens, and the sink it writes to.
// Concrete models (WordPiece, byte-level BPE) live beside it; this file is only the contract.
using LlmMlNet.Tokenizers.PreTokenizers;

namespace LlmMlNet.Tokenizers.Models;

/// <summary>Receives the tokens a model produces for a word, with original-string offsets.</summary>
internal interface ITokenSink
{
    /// <summary>Adds a token.</summary>
    void Add(int id, string token, int start, int end, int wordIndex);
}

/// <summary>A model stage (Hugging Face's <c>model</c> section).</summary>
internal abstract class TokenizerModel
{
    /// <summary>Tokenizes one word; offsets are original-string UTF-16 ranges.</summary>
    public abstract void Tokenize(WordSpan word, int wordIndex, ITokenSink sink);

    /// <summary>The id of a vocabulary token, or null.</summary>
    public abstract int? TokenToId(string token);

    /// <summary>The vocabulary token of an id, or null.</summary>
    public abstract string? IdToToken(int id);

    /// <summary>Number of entries in the model's vocabulary (added tokens excluded).</summary>
    public abstract int VocabularySize { get; }

    /// <summary>The vocabulary, id order.</summary>
    public abstract IReadOnlyList<string> Vocabulary { get; }
}
