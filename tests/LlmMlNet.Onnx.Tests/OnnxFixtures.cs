// Test support: the checkpoints every parity test exports (the shared bert/gpt2 parity folders and the committed
// per-family fixtures, F32, F16 and BF16), the batches their expected files hold, our engine's outputs for a head,
// and the comparison at the positions whose attention mask is 1.
using System.Text.Json;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Onnx.Tests;

internal static class OnnxFixtures
{
    /// <summary>A fixture folder by short name: "parity/NAME" (shared) or a family fixture name.</summary>
    public static string Folder(string name) => name.StartsWith("parity/", StringComparison.Ordinal)
        ? TestSupport.RepoPaths.Fixture("parity", name["parity/".Length..])
        : Path.Combine(TestSupport.RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "families", name);

    /// <summary>Every batch of the folder's expected file (GPT-2's token-type part left out: the export has no such input).</summary>
    public static IReadOnlyList<ModelBatch> Batches(string folder, ModelFamily family)
    {
        var file = File.Exists(Path.Combine(folder, "expected.json")) ? "expected.json" : "expected_forward.json";
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, file)));
        var batches = new List<ModelBatch>();
        foreach (var part in document.RootElement.EnumerateObject())
        {
            if (part.Name == "token_types" || part.Value.ValueKind != JsonValueKind.Object) continue;
            var inputs = part.Value.TryGetProperty("inputs", out var i) && i.ValueKind == JsonValueKind.Object ? i : part.Value;
            if (!inputs.TryGetProperty("input_ids", out var ids) || !inputs.TryGetProperty("attention_mask", out var mask)) continue;
            var rows = Rows(ids);
            int[]? types = family == ModelFamily.Bert && inputs.TryGetProperty("token_type_ids", out var t) ? Rows(t).SelectMany(r => r).ToArray() : null;
            batches.Add(new ModelBatch(rows.Length, rows[0].Length, rows.SelectMany(r => r).ToArray(), Rows(mask).SelectMany(r => r).ToArray(), types));
        }
        Assert.NotEmpty(batches);
        return batches;
    }

    private static int[][] Rows(JsonElement e) => e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();

    /// <summary>Our engine's outputs of <paramref name="head"/> on <paramref name="batch"/>, by the ONNX output names.</summary>
    public static Dictionary<string, float[]> OurOutputs(TransformerParameters parameters, HeadKind head, ModelBatch batch, DenseLayerFactory? dense = null,
        ActivationArena? arena = null)
    {
        var model = new TransformerModel(parameters, batch.Batch, batch.SequenceLength, 0, dense, arena);
        var h = HeadKinds.Create(head, model);
        model.Commit();
        var hidden = model.Forward(batch);
        if (h is null) return new() { ["last_hidden_state"] = hidden.ToArray() };
        var logits = h.Forward(hidden).ToArray();
        return h switch
        {
            QuestionAnsweringHead qa => new() { ["start_logits"] = qa.StartLogits.ToArray(), ["end_logits"] = qa.EndLogits.ToArray() },
            _ => new() { ["logits"] = logits },
        };
    }

    /// <summary>Asserts |ours - onnx| ≤ tolerance; per-token outputs only where the mask is 1. Returns the worst difference.</summary>
    public static double AssertClose(float[] ours, float[] onnx, ModelBatch batch, bool perTokenOutput, double tolerance, string what)
    {
        Assert.Equal(ours.Length, onnx.Length);
        var perToken = perTokenOutput ? ours.Length / batch.TokenCount : 0;
        double worst = 0;
        for (var i = 0; i < ours.Length; i++)
        {
            if (perToken > 0 && batch.MaskAt(i / perToken / batch.SequenceLength, i / perToken % batch.SequenceLength) == 0) continue;
            var diff = Math.Abs(ours[i] - onnx[i]);
            worst = Math.Max(worst, diff);
            if (!(diff <= tolerance)) Assert.Fail($"{what}: element {i}: ours {ours[i]} vs ONNX Runtime {onnx[i]} (|diff| {diff} > {tolerance})");
        }
        return worst;
    }
}
