// The tokens of one input sequence before post-processing (ids, strings, offsets, word indices), the
// sink the model writes into, and its windows for truncation. No special tokens, no type ids.
using LlmMlNet.Tokenizers.Models;

namespace LlmMlNet.Tokenizers;

/// <summary>A growable token list for one sequence; also the model's sink.</summary>
internal sealed class TokenSequence : ITokenSink
{
    public readonly List<int> Ids;
    public readonly List<string> Tokens;
    public readonly List<(int Start, int End)> Offsets;
    public readonly List<int> Words;

    /// <summary>Creates an empty sequence sized for about <paramref name="capacity"/> tokens (avoids regrowth).</summary>
    public TokenSequence(int capacity = 16)
    {
        Ids = new(capacity);
        Tokens = new(capacity);
        Offsets = new(capacity);
        Words = new(capacity);
    }

    /// <inheritdoc />
    public void Add(int id, string token, int start, int end, int wordIndex)
    {
        Ids.Add(id);
        Tokens.Add(token);
        Offsets.Add((start, end));
        Words.Add(wordIndex);
    }

    public int Count => Ids.Count;
}

/// <summary>A [Start, Stop) window of a <see cref="TokenSequence"/>.</summary>
internal readonly record struct TokenWindow(TokenSequence Sequence, int Start, int Stop)
{
    public int Count => Stop - Start;
}
