// One AdamW step against Hugging Face's stored step (fixture README: dropout 0, torch.optim.AdamW
// lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01 on every parameter, no clipping, step 1):
// loss, global gradient norm, per-parameter gradient/after/delta statistics and the two full tensors,
// each within the tolerance stored beside it; then the loss after the step.
using System.Text.Json;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Models;

public sealed class TrainStepParityTests
{
    [Fact]
    public void BertSequenceClassificationStep() =>
        RunStep("bert-tiny-random", "expected_train_step_classification.json",
            [KeyGroup.Encoder, KeyGroup.Pooler, KeyGroup.Classification], m => new SequenceClassificationHead(m));

    [Fact]
    public void BertMaskedLmStep() =>
        RunStep("bert-tiny-random", "expected_train_step_mlm.json", [KeyGroup.Encoder, KeyGroup.MaskedLm], m => new MaskedLmHead(m));

    [Fact]
    public void Gpt2CausalLmStep() =>
        RunStep("gpt2-tiny-random", "expected_train_step_lm.json", [KeyGroup.Encoder], m => new CausalLmHead(m));

    private static void RunStep(string model, string file, KeyGroup[] groups, Func<TransformerModel, TransformerHead> head)
    {
        var fixture = ParityFixture.Load(model, file);
        var root = fixture.Root;
        var config = TransformerConfigReader.Read(Path.Combine(fixture.Folder, "config.json"));
        var parameters = TransformerParameters.Create(config, groups.ToHashSet(), weightDecay: _ => true);
        Assert.True(parameters.Load(fixture.Folder).Initialized.Count == 0);
        var batch = fixture.Batch(root.GetProperty("inputs"));
        var task = new TransformerTask(new TransformerModel(parameters, batch.Batch, batch.SequenceLength) { IsTraining = true }, head);
        var labels = ParityFixture.Floats(root.GetProperty("labels")).Select(v => (int)v).ToArray();
        var tolerance = root.GetProperty("tolerance");

        var set = parameters.Set;
        set.ZeroGradients();
        var loss = task.ForwardLoss(batch, labels);
        AssertWithin(root.GetProperty("loss").GetDouble(), loss, tolerance.GetProperty("loss").GetDouble(), "loss");
        task.Backward();
        var globalNorm = Math.Sqrt(set.Gradients.Sum(g => (double)g * g));
        AssertWithin(root.GetProperty("grad_global_l2").GetDouble(), globalNorm, tolerance.GetProperty("grad_global_l2").GetDouble(), "grad_global_l2");

        var table = KeyTable.For(config.Family).Expand(config, groups.ToHashSet()).GroupBy(m => m.HfName).ToDictionary(g => g.Key, g => g.ToList());
        var before = root.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => HfTensor(table[p.GetProperty("name").GetString()!], n => set.View(n)));
        Assert.Equal(set.Layout.TrainableLength, before.Values.Sum(v => v.Length));
        foreach (var p in root.GetProperty("parameters").EnumerateArray())
        {
            var name = p.GetProperty("name").GetString()!;
            var grad = HfTensor(table[name], n => set.Gradient(set.Handle(n)));
            CheckStats(name, "grad", grad, p.GetProperty("grad"), p.GetProperty("tolerance"));
        }

        set.AdamWStep(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        foreach (var p in root.GetProperty("parameters").EnumerateArray())
        {
            var name = p.GetProperty("name").GetString()!;
            var after = HfTensor(table[name], n => set.View(n));
            CheckStats(name, "after", after, p.GetProperty("after"), p.GetProperty("tolerance"));
            var delta = after.Select((v, i) => (double)v - before[name][i]).ToArray();
            CheckStats(name, "delta", delta.Select(d => (float)d).ToArray(), p.GetProperty("delta"), p.GetProperty("tolerance"), delta);
        }
        foreach (var full in root.GetProperty("full_tensors").EnumerateObject())
        {
            var after = HfTensor(table[full.Name], n => set.View(n));
            var expected = ParityFixture.Floats(full.Value.GetProperty("after"));
            for (var i = 0; i < expected.Length; i++)
                AssertWithin(expected[i], after[i], 1e-6, $"{full.Name} after[{i}]");
        }

        set.ZeroGradients();
        var lossAfter = task.ForwardLoss(batch, labels);
        AssertWithin(root.GetProperty("loss_after_step").GetDouble(), lossAfter, tolerance.GetProperty("loss_after_step").GetDouble(), "loss_after_step");
    }

    internal delegate Span<float> View(string ourName);

    // Reassembles the Hugging Face tensor (GPT-2's c_attn from Q/K/V, Conv1D transposes) from our parameters.
    internal static float[] HfTensor(List<TensorMapping> mappings, View view)
    {
        var whole = new float[mappings[0].HfShape.Aggregate(1L, (a, b) => a * b)];
        foreach (var mapping in mappings)
        {
            if (mapping.IsDirect) view(mapping.OurName).CopyTo(whole);
            else mapping.Scatter(view(mapping.OurName), whole);
        }
        return whole;
    }

    private static void CheckStats(string name, string kind, float[] values, JsonElement expected, JsonElement tolerances, double[]? exact = null)
    {
        var data = exact ?? values.Select(v => (double)v).ToArray();
        var stats = new Dictionary<string, double>
        {
            ["sum"] = data.Sum(),
            ["abs_sum"] = data.Sum(Math.Abs),
            ["l2"] = Math.Sqrt(data.Sum(v => v * v)),
            ["max_abs"] = data.Max(Math.Abs),
        };
        foreach (var (stat, actual) in stats)
            if (tolerances.TryGetProperty($"{kind}.{stat}", out var tolerance))
                AssertWithin(expected.GetProperty(stat).GetDouble(), actual, tolerance.GetDouble(), $"{name} {kind}.{stat}");
    }

    private static void AssertWithin(double expected, double actual, double tolerance, string what)
    {
        if (!(Math.Abs(expected - actual) <= tolerance))
            Assert.Fail($"{what}: {actual} vs expected {expected} (|diff| {Math.Abs(expected - actual)} > {tolerance})");
    }
}
