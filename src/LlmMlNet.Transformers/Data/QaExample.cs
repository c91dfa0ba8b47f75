// An extractive question-answering example as SQuAD v1.1/v2.0 files hold it: raw strings with
// character offsets into the context. Token windows and offsets are the tokenizer's and head's job.

namespace LlmMlNet.Transformers.Data;

/// <summary>One gold answer: its text and the 0-based character offset of its first character in the context.</summary>
/// <param name="Text">The answer text, exactly <c>Context.Substring(Start, Text.Length)</c>.</param>
/// <param name="Start">0-based char (UTF-16 code unit) offset in the context, SQuAD's <c>answer_start</c>.</param>
public sealed record QaAnswer(string Text, int Start)
{
    /// <summary>Exclusive end offset, <c>Start + Text.Length</c>.</summary>
    public int End => Start + Text.Length;
}

/// <summary>A question over a context with zero or more gold answers.</summary>
/// <param name="Id">The question id (SQuAD's <c>qas[].id</c>).</param>
/// <param name="Question">The question text.</param>
/// <param name="Context">The paragraph the answer is a span of (shared by the questions of a paragraph).</param>
/// <param name="Answers">Gold answers: one for SQuAD training data, several for dev sets, none when
/// <paramref name="IsImpossible"/> or for prediction inputs.</param>
/// <param name="IsImpossible">SQuAD v2.0's flag: the context does not answer the question (the right prediction is "").</param>
/// <param name="Title">The article title, when the file gives it before the paragraphs.</param>
public sealed record QaExample(
    string Id, string Question, string Context, IReadOnlyList<QaAnswer> Answers, bool IsImpossible = false, string? Title = null);
