// The SQuAD dataset versions, which differ in unanswerable questions and in how the official
// evaluation scores empty answers. Only the enum; readers accept both without being told.

namespace LlmMlNet.Transformers.Data;

/// <summary>The two SQuAD dataset versions; v2.0 adds unanswerable questions.</summary>
public enum SquadVersion
{
    /// <summary>SQuAD v1.1: every question has an answer.</summary>
    V1_1,

    /// <summary>SQuAD v2.0: questions may be unanswerable (<c>is_impossible</c>).</summary>
    V2_0,
}
