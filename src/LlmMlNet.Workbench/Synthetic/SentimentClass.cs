// The sentiment classes of the synthetic tasks and their label strings in data files. The enum
// order matches LabelMap's ordinal order of the label strings (negative, neutral, positive).

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>Sentiment classes of the synthetic tasks.</summary>
public enum SentimentClass
{
    /// <summary>Negative sentiment.</summary>
    Negative,

    /// <summary>Neutral sentiment (3-class task only).</summary>
    Neutral,

    /// <summary>Positive sentiment.</summary>
    Positive,
}

/// <summary>Label strings of <see cref="SentimentClass"/> as written in data files.</summary>
public static class SentimentLabels
{
    /// <summary>"negative", "neutral" or "positive".</summary>
    public static string Name(SentimentClass polarity) => polarity switch
    {
        SentimentClass.Negative => "negative",
        SentimentClass.Neutral => "neutral",
        _ => "positive",
    };
}
