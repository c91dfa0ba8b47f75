// Fills the slots of a template sentence ("the {noun} was {L} .") word by word and reports where a
// chosen slot's value landed, so QA answers get exact character offsets. No grammar, no inflection.

using System.Text;

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>Renders space-separated templates whose slots are whole tokens like <c>{noun}</c>.</summary>
internal static class TemplateRenderer
{
    /// <summary>
    /// Replaces each <c>{slot}</c> token by <paramref name="fill"/>(slot) and joins tokens with single spaces.
    /// <paramref name="valueStart"/> is the offset (within the result) of the first <c>{value}</c> slot, or -1.
    /// </summary>
    public static string Render(string template, Func<string, string> fill, out int valueStart)
    {
        valueStart = -1;
        var builder = new StringBuilder(template.Length + 32);
        var previousWasA = false;
        foreach (var token in template.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var isSlot = token.Length > 2 && token[0] == '{' && token[^1] == '}';
            var text = isSlot ? fill(token[1..^1]) : token;
            // "a orange" → "an orange": fixed before the value's offset is taken, so offsets stay exact.
            if (previousWasA && text.Length > 0 && "aeiouAEIOU".Contains(text[0])) builder.Append('n');
            if (builder.Length > 0) builder.Append(' ');
            if (isSlot && token == "{value}" && valueStart < 0) valueStart = builder.Length;
            builder.Append(text);
            previousWasA = text is "a" or "A";
        }
        return builder.ToString();
    }

    /// <summary>Renders without tracking a value slot.</summary>
    public static string Render(string template, Func<string, string> fill) => Render(template, fill, out _);

    /// <summary>Upper-cases the first letter, as sentences in contexts start.</summary>
    public static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
