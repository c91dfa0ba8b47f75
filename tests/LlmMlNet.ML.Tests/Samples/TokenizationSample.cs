// A user's tokenization program against the real Microsoft.ML API: TokenizeForTransformer turns a text column into
// token-id and attention-mask vector columns that CreateEnumerable reads back as arrays. Public API only; run by
// SamplesTests.
using LlmMlNet.ML;
using Microsoft.ML;

namespace LlmMlNet.Samples;

/// <summary>A text to tokenize.</summary>
public class Sentence
{
    /// <summary>The text.</summary>
    public string Text { get; set; } = "";
}

/// <summary>Its tokens.</summary>
public class SentenceTokens
{
    /// <summary>Token ids, special tokens included, padded to the maximum sequence length.</summary>
    public int[] InputIds { get; set; } = [];

    /// <summary>1 for every real token, 0 for padding.</summary>
    public int[] AttentionMask { get; set; } = [];
}

/// <summary>The tokenization sample.</summary>
public static class TokenizationSample
{
    /// <summary>Tokenizes <paramref name="sentences"/> with the tokenizer files in <paramref name="tokenizerFolder"/>.</summary>
    public static SentenceTokens[] Run(string tokenizerFolder, IEnumerable<Sentence> sentences)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(sentences);
        var model = ml.Transforms.Text.TokenizeForTransformer("InputIds", tokenizerFolder, "Text", maximumSequenceLength: 32).Fit(data);
        return ml.Data.CreateEnumerable<SentenceTokens>(model.Transform(data), reuseRowObject: false).ToArray();
    }
}
