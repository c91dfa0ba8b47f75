// Text-classification inputs as the model takes them: a text or a pair tokenized with special tokens and
// truncated (longest_first) to the max length, its label index from the label map, and the collator that
// pads a list of them to the batch's longest row. Not the model run (ClassificationObjective).
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>One tokenized example.</summary>
/// <param name="InputIds">Token ids with special tokens.</param>
/// <param name="TypeIds">Token type ids (0 first text, 1 pair).</param>
/// <param name="Label">Class index, or -1 when unlabeled.</param>
public sealed record ClassificationInput(int[] InputIds, int[] TypeIds, int Label);

/// <summary>A padded batch with its labels.</summary>
/// <param name="Inputs">Ids, mask and token types [B, T].</param>
/// <param name="Labels">Class indices [B] (-1 where unlabeled).</param>
public sealed record ClassificationBatch(ModelBatch Inputs, int[] Labels);

/// <summary>Tokenizes classification examples.</summary>
public sealed class ClassificationFeaturizer : IBatchCollator<ClassificationInput, ClassificationBatch>
{
    private readonly Tokenizer _tokenizer;
    private readonly EncodeOptions _encode;
    private readonly int _padId;

    /// <summary>Creates a featurizer truncating to <paramref name="maxLength"/> tokens.</summary>
    /// <exception cref="ArgumentException">maxLength too small for the special tokens.</exception>
    public ClassificationFeaturizer(Tokenizer tokenizer, LabelMap labels, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(labels);
        if (maxLength <= tokenizer.SpecialTokenCount(pair: true))
            throw new ArgumentException($"maxLength {maxLength} leaves no room beside the special tokens.", nameof(maxLength));
        _tokenizer = tokenizer;
        Labels = labels;
        MaxLength = maxLength;
        // One window: only the truncated encoding is used, so a long row is tokenized no further than it reaches.
        _encode = new EncodeOptions { Truncation = new TruncationOptions { MaxLength = maxLength, MaxWindows = 1 } };
        _padId = tokenizer.PadTokenId ?? tokenizer.EosTokenId ?? 0;
    }

    /// <summary>The label names ↔ indices.</summary>
    public LabelMap Labels { get; }

    /// <summary>The tokenizer.</summary>
    internal Tokenizer Tokenizer => _tokenizer;

    /// <summary>Longest input.</summary>
    public int MaxLength { get; }

    /// <summary>Tokenizes one text (or pair) with its optional label.</summary>
    /// <exception cref="ArgumentException">The label is not in the label map (the message names it and the known labels).</exception>
    public ClassificationInput Featurize(string text, string? pair = null, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        int index = -1;
        if (label is not null && !Labels.TryGetIndex(label, out index))
            throw new ArgumentException($"Unknown label '{label}'; the model knows [{string.Join(", ", Labels.Labels)}].", nameof(label));
        var encoding = _tokenizer.Encode(text, pair, _encode);
        return new ClassificationInput(encoding.Ids.ToArray(), encoding.TypeIds.ToArray(), index);
    }

    /// <summary>Tokenizes an example (its line number is named when its label is unknown).</summary>
    /// <exception cref="ArgumentException">The example's label is not in the label map.</exception>
    public ClassificationInput Featurize(TextClassificationExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        try { return Featurize(example.Text, example.TextPair, example.Label); }
        catch (ArgumentException e) when (example.LineNumber > 0)
        {
            throw new ArgumentException($"Example at line {example.LineNumber}: {e.Message}", nameof(example), e);
        }
    }

    /// <summary>Pads <paramref name="examples"/> to the longest (padding id, mask 0, type 0).</summary>
    public ClassificationBatch Collate(IReadOnlyList<ClassificationInput> examples, BatchContext context)
    {
        ArgumentNullException.ThrowIfNull(examples);
        int b = examples.Count, t = examples.Max(e => e.InputIds.Length);
        var ids = new int[b * t];
        var types = new int[b * t];
        var mask = new int[b * t];
        Array.Fill(ids, _padId);
        var labels = new int[b];
        for (int i = 0; i < b; i++)
        {
            var e = examples[i];
            e.InputIds.CopyTo(ids, i * t);
            e.TypeIds.CopyTo(types, i * t);
            mask.AsSpan(i * t, e.InputIds.Length).Fill(1);
            labels[i] = e.Label;
        }
        return new ClassificationBatch(new ModelBatch(b, t, ids, mask, types), labels);
    }
}
