// Reads the parity fixtures' JSON (expected_forward.json, expected_train_step_*.json): nested arrays
// flattened row-major, int matrices for inputs, and comparison helpers over the real (mask = 1)
// positions. Test support only.
using System.Text.Json;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Models;

internal sealed class ParityFixture
{
    private ParityFixture(string folder, JsonElement root)
    {
        Folder = folder;
        Root = root;
    }

    public string Folder { get; }

    public JsonElement Root { get; }

    public static ParityFixture Load(string model, string file)
    {
        var folder = TestSupport.RepoPaths.Fixture("parity", model);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, file)));
        return new ParityFixture(folder, document.RootElement.Clone());
    }

    public static float[] Floats(JsonElement element)
    {
        var values = new List<float>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array) foreach (var item in e.EnumerateArray()) Walk(item);
            else values.Add((float)e.GetDouble());
        }
        Walk(element);
        return values.ToArray();
    }

    public static int[][] IntRows(JsonElement element) =>
        element.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();

    public ModelBatch Batch(JsonElement inputs, bool withTokenTypes = true) => BatchOf(inputs, withTokenTypes);

    /// <summary>The batch of an inputs object: input_ids and attention_mask rows, token_type_ids when present and wanted.</summary>
    public static ModelBatch BatchOf(JsonElement inputs, bool withTokenTypes = true)
    {
        var ids = IntRows(inputs.GetProperty("input_ids"));
        var mask = IntRows(inputs.GetProperty("attention_mask"));
        int[]? types = withTokenTypes && inputs.TryGetProperty("token_type_ids", out var t) ? IntRows(t).SelectMany(r => r).ToArray() : null;
        return new ModelBatch(ids.Length, ids[0].Length, ids.SelectMany(r => r).ToArray(), mask.SelectMany(r => r).ToArray(), types);
    }

    /// <summary>Asserts |actual - expected| ≤ tolerance at every position whose mask is 1 ([rows, width] layout, rows = B·T).</summary>
    public static double AssertCloseOnMask(ReadOnlySpan<float> actual, float[] expected, int[] mask, int width, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (var row = 0; row < mask.Length; row++)
        {
            if (mask[row] == 0) continue;
            for (var c = 0; c < width; c++)
            {
                var diff = Math.Abs(actual[row * width + c] - expected[row * width + c]);
                worst = Math.Max(worst, diff);
                if (!(diff <= tolerance))
                    Assert.Fail($"{what}: row {row} column {c}: {actual[row * width + c]} vs expected {expected[row * width + c]} (|diff| {diff} > {tolerance})");
            }
        }
        return worst;
    }
}
