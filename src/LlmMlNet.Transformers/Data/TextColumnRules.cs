// Which header columns (or JSON keys) hold the text, the optional second text and the label.
// The names are data (one table), matching the layouts of GLUE, SNLI and Hugging Face datasets;
// it deliberately does not guess from content.

namespace LlmMlNet.Transformers.Data;

/// <summary>
/// The rule that picks text columns from a header (names compared case-insensitively, trimmed):
/// the first row of <see cref="TextColumnPairs"/> whose first name is present wins; that name is
/// the text column and its partner, if also present, the pair column. So <c>text</c>+<c>text_pair</c>,
/// <c>sentence1</c>+<c>sentence2</c>, <c>question1</c>+<c>question2</c>, <c>premise</c>+<c>hypothesis</c>,
/// <c>question</c>+<c>sentence</c> (GLUE QNLI order), then <c>sentence</c> alone (GLUE SST-2).
/// The label column is the first of <see cref="LabelColumns"/> present. Explicit names in the reader
/// options override both rules.
/// </summary>
public static class TextColumnRules
{
    /// <summary>(text column, pair column) candidates in priority order.</summary>
    public static IReadOnlyList<(string Text, string Pair)> TextColumnPairs { get; } =
    [
        ("text", "text_pair"),
        ("sentence1", "sentence2"),
        ("question1", "question2"),
        ("premise", "hypothesis"),
        ("question", "sentence"),
        ("sentence", "sentence2"),
    ];

    /// <summary>Label column candidates in priority order (<c>label</c>, then GLUE's <c>gold_label</c> and <c>is_duplicate</c>).</summary>
    public static IReadOnlyList<string> LabelColumns { get; } = ["label", "gold_label", "is_duplicate"];

    /// <summary>
    /// Resolves column positions in <paramref name="header"/> (a header row, or a JSON object's keys; <paramref name="headerKind"/> names which in messages). Returns false (with a reason) when no
    /// text column is found, when a requested label column is missing, or when an explicit name is absent.
    /// </summary>
    internal static bool TryResolve(
        IReadOnlyList<string> header, string headerKind, TextClassificationReaderOptions options, out ResolvedColumns columns, out string reason)
    {
        columns = default;
        int Find(string name)
        {
            for (var i = 0; i < header.Count; i++)
            {
                if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
            }
            return -1;
        }

        int text, pair = -1;
        if (options.TextColumn is { } explicitText)
        {
            text = Find(explicitText);
            if (text < 0) { reason = $"the text column '{explicitText}' is not in the {headerKind} [{string.Join(", ", header)}]"; return false; }
            if (options.TextPairColumn is { } explicitPair)
            {
                pair = Find(explicitPair);
                if (pair < 0) { reason = $"the pair column '{explicitPair}' is not in the {headerKind} [{string.Join(", ", header)}]"; return false; }
            }
        }
        else
        {
            text = -1;
            foreach (var (textName, pairName) in TextColumnPairs)
            {
                text = Find(textName);
                if (text < 0) continue;
                pair = Find(options.TextPairColumn ?? pairName);
                break;
            }
            if (text < 0)
            {
                reason = $"no text column in the {headerKind} [{string.Join(", ", header)}]; expected one of " +
                         string.Join(", ", TextColumnPairs.Select(p => p.Text).Distinct()) + " (or set TextColumn)";
                return false;
            }
        }

        var label = -1;
        if (options.LabelColumn is { } explicitLabel)
        {
            label = Find(explicitLabel);
            if (label < 0 && options.RequireLabels)
            {
                reason = $"the label column '{explicitLabel}' is not in the {headerKind} [{string.Join(", ", header)}]"; return false;
            }
        }
        else
        {
            foreach (var name in LabelColumns)
            {
                label = Find(name);
                if (label >= 0) break;
            }
            if (label < 0 && options.RequireLabels)
            {
                reason = $"no label column in the {headerKind} [{string.Join(", ", header)}]; expected one of {string.Join(", ", LabelColumns)} " +
                         "(or set LabelColumn, or read without labels)";
                return false;
            }
        }

        columns = new ResolvedColumns(text, pair, label);
        reason = "";
        return true;
    }
}

/// <summary>Column positions chosen by <see cref="TextColumnRules"/>; -1 means absent.</summary>
internal readonly record struct ResolvedColumns(int Text, int Pair, int Label);
