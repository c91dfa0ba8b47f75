// Reads Fixtures/generation/*.json (python/make_generation_fixtures.py: Hugging Face's greedy search on
// our GPT-2 parity checkpoints) and opens the checkpoint each file names. Test support only.
using System.Text.Json;
using LlmMlNet.TestSupport;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tests.Generation;

internal static class GenerationFixtures
{
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "generation");

    /// <summary>The checkpoint folder of a fixture name: the shared parity one, a families one, or generation/NAME.</summary>
    public static string CheckpointOf(string name) => name switch
    {
        "gpt2-tiny-random" => RepoPaths.Fixture("parity", "gpt2-tiny-random"),
        "gpt2-f16" => Path.Combine(Folder, "gpt2-f16"),
        _ => Path.Combine(RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "families", name),
    };

    public static TransformerParameters Load(string name) => Pretraining.FromCheckpoint(CheckpointOf(name), out _);

    public static IReadOnlyList<GreedyCase> Cases(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new GreedyCase(
            c.GetProperty("name").GetString()!,
            Rows(c.GetProperty("prompts")),
            c.GetProperty("max_new_tokens").GetInt32(),
            c.GetProperty("eos_token_id").ValueKind == JsonValueKind.Null ? null : c.GetProperty("eos_token_id").GetInt32(),
            (float)c.GetProperty("repetition_penalty").GetDouble(),
            Rows(c.GetProperty("expected")))).ToArray();
    }

    private static int[][] Rows(JsonElement e) => e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
}

/// <summary>One greedy case: prompts, limits and the ids Hugging Face generated per row (up to and including a first EOS).</summary>
internal sealed record GreedyCase(string Name, int[][] Prompts, int MaxNewTokens, int? Eos, float RepetitionPenalty, int[][] Expected);
