// Option definitions several commands share (seed, threads, sizes, --json, --skip-bad-rows), with the
// range checks System.CommandLine reports as usage errors (exit 1) before any work starts.
// Not the commands' own options: each command file declares those.
using System.CommandLine;
using System.Globalization;

namespace LlmMlNet.Cli.Running;

/// <summary>Factories of the shared options.</summary>
internal static class CommonOptions
{
    /// <summary>
    /// An optional integer option that must be at least <paramref name="minimum"/> (and at most <paramref name="maximum"/>) when
    /// given; a value that is not a whole number in range ("abc", "1e3", "99999999999") is a usage error naming the option.
    /// </summary>
    public static Option<int?> Int(string name, string description, int minimum = 1, int maximum = int.MaxValue)
    {
        var option = new Option<int?>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    result.AddError($"{name} must be a whole number, got '{text}'.");
                    return null;
                }
                if (value < minimum || value > maximum)
                {
                    result.AddError(value < minimum ? $"{name} must be at least {minimum}, got {value}." : $"{name} must be at most {maximum}, got {value}.");
                    return null;
                }
                return (int)value;
            },
        };
        return option;
    }

    /// <summary>An optional positive, finite float option (learning rates); "abc", "inf", "nan" and 0 are usage errors naming the option.</summary>
    public static Option<float?> PositiveFloat(string name, string description)
        => Float(name, description, value => value > 0 && float.IsFinite(value), "a positive finite number");

    /// <summary>An optional probability in [0, 1) (dropout); "abc", "nan", negatives and 1 or more are usage errors naming the option.</summary>
    public static Option<float?> Probability(string name, string description)
        => Float(name, description, value => value >= 0 && value < 1, "a number in [0, 1)");

    private static Option<float?> Float(string name, string description, Func<float, bool> accepts, string requirement)
    {
        var option = new Option<float?>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !accepts(value))
                {
                    result.AddError($"{name} must be {requirement}, got '{text}'.");
                    return null;
                }
                return value;
            },
        };
        return option;
    }

    /// <summary>A string option restricted to <paramref name="values"/>.</summary>
    public static Option<string> Choice(string name, string description, bool required, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    /// <summary>--family of a --preset model (bert, roberta, distilbert, gpt2); <paramref name="defaultNote"/> says what its absence means.</summary>
    public static Option<string> Family(string defaultNote) =>
        Choice("--family", $"Architecture of a --preset model: bert, roberta, distilbert or gpt2 ({defaultNote}).", false, "bert", "roberta", "distilbert", "gpt2");

    /// <summary>The family a --family value names, or <paramref name="fallback"/> when none was given.</summary>
    public static LlmMlNet.Transformers.Checkpoints.ModelFamily FamilyOf(string? name, LlmMlNet.Transformers.Checkpoints.ModelFamily fallback) =>
        name is null ? fallback : LlmMlNet.Transformers.Checkpoints.ModelFamilies.FromModelType(name) ?? throw new UsageException($"Unknown --family '{name}'.");

    /// <summary>--seed (default 42, Hugging Face's).</summary>
    public static Option<int?> Seed() => Int("--seed", "Random seed (default 42); same seed and thread count give the same result.", minimum: 0);

    /// <summary>--threads.</summary>
    public static Option<int?> Threads() => Int("--threads", "Compute threads (default: all cores).");

    /// <summary>--json.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object with the results as the last line of standard output." };

    /// <summary>--skip-bad-rows.</summary>
    public static Option<bool> SkipBadRows() => new("--skip-bad-rows") { Description = "Skip malformed rows (and count them) instead of stopping with exit code 2." };
}
