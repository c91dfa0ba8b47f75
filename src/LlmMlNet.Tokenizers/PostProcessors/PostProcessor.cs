// The post-processor stage: wraps one or two token windows in a template of special tokens with type
// ids (Hugging Face's TemplateProcessing; BertProcessing and RobertaProcessing are fixed templates;
// ByteLevel is the bare template), optionally trimming byte-level offsets first. Builds the final
// Encoding arrays; it does not truncate or pad.
using LlmMlNet.Tokenizers.Models;

namespace LlmMlNet.Tokenizers.PostProcessors;

/// <summary>One template element: a sequence (A = 0, B = 1) or special tokens, each with a type id.</summary>
internal sealed record TemplatePiece(int Sequence, int TypeId, int[] SpecialIds, string[] SpecialTokens)
{
    public bool IsSequence => Sequence >= 0;

    public static TemplatePiece Seq(int sequence, int typeId) => new(sequence, typeId, [], []);

    public static TemplatePiece Special(string token, int id, int typeId) => new(-1, typeId, [id], [token]);
}

/// <summary>A template post-processor with optional byte-level offset trimming.</summary>
internal sealed class PostProcessor
{
    private static readonly char SpaceSymbol = ByteLevelAlphabet.ByteToChar[' '];

    /// <summary>Creates the processor.</summary>
    public PostProcessor(string kind, IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair, bool trimOffsets, bool addPrefixSpace)
    {
        Kind = kind;
        Single = single;
        Pair = pair;
        TrimOffsets = trimOffsets;
        AddPrefixSpace = addPrefixSpace;
    }

    /// <summary>The tokenizer.json type it was read from (for saving).</summary>
    public string Kind { get; }
    /// <summary>Template for one sequence.</summary>
    public IReadOnlyList<TemplatePiece> Single { get; }
    /// <summary>Template for a pair.</summary>
    public IReadOnlyList<TemplatePiece> Pair { get; }
    /// <summary>Trim the whitespace a byte-level token carries out of its offsets.</summary>
    public bool TrimOffsets { get; }
    /// <summary>Whether the pre-tokenizer added a prefix space (kept in the first token's offsets).</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>The bare template: $A:0 and $B:1, no special tokens (GPT-2, or no post-processor at all).</summary>
    public static PostProcessor Bare(string kind = "none", bool trimOffsets = false, bool addPrefixSpace = false) =>
        new(kind, [TemplatePiece.Seq(0, 0)], [TemplatePiece.Seq(0, 0), TemplatePiece.Seq(1, 1)], trimOffsets, addPrefixSpace);

    /// <summary>BERT's template: [CLS] $A [SEP] ($B:1 [SEP]:1).</summary>
    public static PostProcessor Bert(string cls, int clsId, string sep, int sepId) => new("BertProcessing",
        [TemplatePiece.Special(cls, clsId, 0), TemplatePiece.Seq(0, 0), TemplatePiece.Special(sep, sepId, 0)],
        [TemplatePiece.Special(cls, clsId, 0), TemplatePiece.Seq(0, 0), TemplatePiece.Special(sep, sepId, 0),
         TemplatePiece.Seq(1, 1), TemplatePiece.Special(sep, sepId, 1)], false, false);

    /// <summary>RoBERTa's template: &lt;s&gt; $A &lt;/s&gt; (&lt;/s&gt; $B &lt;/s&gt;), every type id 0.</summary>
    public static PostProcessor Roberta(string cls, int clsId, string sep, int sepId, bool trimOffsets, bool addPrefixSpace) => new("RobertaProcessing",
        [TemplatePiece.Special(cls, clsId, 0), TemplatePiece.Seq(0, 0), TemplatePiece.Special(sep, sepId, 0)],
        [TemplatePiece.Special(cls, clsId, 0), TemplatePiece.Seq(0, 0), TemplatePiece.Special(sep, sepId, 0),
         TemplatePiece.Special(sep, sepId, 0), TemplatePiece.Seq(1, 0), TemplatePiece.Special(sep, sepId, 0)], trimOffsets, addPrefixSpace);

    /// <summary>Number of special tokens the template adds.</summary>
    public int AddedTokenCount(bool pair) => (pair ? Pair : Single).Sum(p => p.SpecialIds.Length);

    /// <summary>Builds the encoding of window <paramref name="a"/> (and <paramref name="b"/>).</summary>
    public Encoding Apply(TokenWindow a, TokenWindow? b, bool addSpecialTokens, IReadOnlyList<Encoding> overflowing)
    {
        var template = b is null ? Single : Pair;
        int n = 0;
        foreach (var piece in template)
            n += piece.IsSequence ? (piece.Sequence == 0 ? a.Count : b!.Value.Count) : addSpecialTokens ? piece.SpecialIds.Length : 0;
        var ids = new int[n]; var tokens = new string[n]; var types = new int[n]; var attention = new int[n];
        var special = new int[n]; var offsets = new (int, int)[n]; var words = new int?[n]; var sequences = new int?[n];
        int k = 0;
        foreach (var piece in template)
        {
            if (!piece.IsSequence)
            {
                if (!addSpecialTokens) continue;
                for (int i = 0; i < piece.SpecialIds.Length; i++, k++)
                {
                    ids[k] = piece.SpecialIds[i]; tokens[k] = piece.SpecialTokens[i]; types[k] = piece.TypeId;
                    attention[k] = 1; special[k] = 1;
                }
                continue;
            }
            var window = piece.Sequence == 0 ? a : b!.Value;
            var seq = window.Sequence;
            for (int i = window.Start; i < window.Stop; i++, k++)
            {
                ids[k] = seq.Ids[i]; tokens[k] = seq.Tokens[i]; types[k] = piece.TypeId; attention[k] = 1;
                offsets[k] = TrimOffsets ? Trim(seq.Tokens[i], seq.Offsets[i], i == window.Start) : seq.Offsets[i];
                words[k] = seq.Words[i]; sequences[k] = piece.Sequence;
            }
        }
        return new Encoding(ids, tokens, types, attention, special, offsets, words, sequences, overflowing);
    }

    /// <summary>Hugging Face's byte-level process_offsets: drop the leading/trailing spaces a token carries.</summary>
    private (int, int) Trim(string token, (int Start, int End) offsets, bool firstInWindow)
    {
        int leading = 0, trailing = 0;
        while (leading < token.Length && IsSpace(token[leading])) leading++;
        while (trailing < token.Length && IsSpace(token[token.Length - 1 - trailing])) trailing++;
        var (start, end) = offsets;
        if (leading > 0)
        {
            bool isFirst = firstInWindow || start == 0;
            if (!(isFirst && AddPrefixSpace && leading == 1)) start = Math.Min(start + leading, end);
        }
        if (trailing > 0 && end >= trailing) end = Math.Max(end - trailing, start);
        return (start, end);
    }

    private static bool IsSpace(char c) => c == SpaceSymbol || char.IsWhiteSpace(c);
}
