// One row of a text-classification file as the readers hand it out: raw strings, no label index.
// Mapping labels to class indices is LabelMap's job, tokenization is the tokenizer's.

namespace LlmMlNet.Transformers.Data;

/// <summary>A single- or pair-text example with its label as written in the file.</summary>
/// <param name="Text">The first (or only) text; never empty.</param>
/// <param name="TextPair">The second text of a pair task, or null for single-text files.</param>
/// <param name="Label">The label as written (a name such as "positive" or an integer such as "1"), trimmed;
/// null when the file has no label column and the reader runs without labels.</param>
/// <param name="LineNumber">1-based line of the file where the row starts (0 for examples not read from a file).</param>
public sealed record TextClassificationExample(string Text, string? TextPair, string? Label, long LineNumber = 0);
