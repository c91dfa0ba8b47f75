// DPO against PyTorch and against finite differences: one step on the shared tiny GPT-2 (loss, TRL's metrics,
// every tensor's gradient sum and L2, then AdamW and the metrics after it) matches make_dpo_fixture.py's
// expected values; the SFT loss on the same rows matches; and the objective's gradients match central
// differences on a tiny model whose reference differs from the policy.
using System.Text.Json;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tests.Models;
using LlmMlNet.Transformers.Training;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Training;

public sealed class DpoObjectiveTests
{
    private static JsonElement Fixture()
    {
        var path = Path.Combine(TestSupport.RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "dpo", "expected_dpo_step.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    private static (List<PreferencePair> Pairs, PreferenceBatch Batch) Pairs(JsonElement root)
    {
        int eos = root.GetProperty("eos").GetInt32();
        SupervisedSequence Sequence(int[] prompt, int[] response)
        {
            int[] ids = [.. prompt, .. response, eos];
            int[] labels = [.. prompt.Select(_ => LanguageModelBatch.IgnoreTarget), .. response, eos];
            return new SupervisedSequence(ids, labels);
        }
        int[] Ids(JsonElement pair, string name) => pair.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var pairs = root.GetProperty("pairs").EnumerateArray()
            .Select(p => new PreferencePair(Sequence(Ids(p, "prompt"), Ids(p, "chosen")), Sequence(Ids(p, "prompt"), Ids(p, "rejected")))).ToList();
        return (pairs, new PreferenceCollator(eos).Collate(pairs, default));
    }

    [Fact]
    public void OneStepMatchesPyTorch()
    {
        var root = Fixture();
        var (_, batch) = Pairs(root);
        var folder = TestSupport.RepoPaths.Fixture("parity", "gpt2-tiny-random");
        var config = TransformerConfigReader.Read(Path.Combine(folder, "config.json"));
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder }, weightDecay: _ => true);
        Assert.Empty(parameters.Load(folder).Initialized);
        int rows = batch.Sequences.Batch, length = batch.Sequences.SequenceLength;
        var objective = new DpoObjective(SequenceLogProbs.ForCausalLm(parameters, rows, length), new FrozenCopyReference(parameters, rows, length),
            (float)root.GetProperty("beta").GetDouble());
        var training = new ForwardContext(0, 0, 1, IsTraining: true);

        var set = parameters.Set;
        set.ZeroGradients();
        var loss = objective.Forward(batch, training);
        AssertMetrics(root.GetProperty("metrics_before"), objective.LastMetrics!, "before");
        Assert.Equal(root.GetProperty("metrics_before").GetProperty("loss").GetDouble(), loss.Loss, 5);
        objective.Backward(1f);

        var globalNorm = Math.Sqrt(set.Gradients.Sum(g => (double)g * g));
        Within(root.GetProperty("grad_global_l2").GetDouble(), globalNorm, 1e-4 * globalNorm, "grad_global_l2");
        var table = KeyTable.For(config.Family).Expand(config, new HashSet<KeyGroup> { KeyGroup.Encoder })
            .GroupBy(m => m.HfName).ToDictionary(g => g.Key, g => g.ToList());
        int compared = 0;
        foreach (var expected in root.GetProperty("gradients").EnumerateObject())
        {
            var grad = TrainStepParityTests.HfTensor(table[expected.Name], n => set.Gradient(set.Handle(n)));
            double l2 = Math.Sqrt(grad.Sum(g => (double)g * g)), sum = grad.Sum(g => (double)g);
            double expectedL2 = expected.Value.GetProperty("l2").GetDouble();
            Within(expectedL2, l2, 2e-4 * expectedL2 + 1e-7, $"{expected.Name} grad l2");
            Within(expected.Value.GetProperty("sum").GetDouble(), sum, 2e-4 * expectedL2 + 1e-6, $"{expected.Name} grad sum");
            compared++;
        }
        Assert.Equal(table.Count, compared);

        set.AdamWStep(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        objective.Forward(batch, training);
        AssertMetrics(root.GetProperty("metrics_after_step"), objective.LastMetrics!, "after the step");
    }

    [Fact]
    public void SftLossOnTheChosenRowsMatchesPyTorch()
    {
        var root = Fixture();
        var (pairs, _) = Pairs(root);
        var folder = TestSupport.RepoPaths.Fixture("parity", "gpt2-tiny-random");
        var parameters = Pretraining.FromCheckpoint(folder, out _);
        var batch = new SupervisedCollator(root.GetProperty("eos").GetInt32()).Collate(pairs.Select(p => p.Chosen).ToList(), default);
        var objective = Pretraining.CreateObjective(parameters, PretrainingObjective.CausalLm, batch.Batch, batch.SequenceLength);
        var loss = objective.Forward(batch, ForwardContext.Evaluation());
        Within(root.GetProperty("sft_loss_chosen").GetDouble(), loss.Loss, 1e-5, "SFT loss");
        // Only response tokens and EOS are targets: 3 + 1 and 2 + 1.
        Assert.Equal(7, loss.Targets);
    }

    [Fact]
    public void GradientsMatchCentralFiniteDifferences()
    {
        const int Vocabulary = 12, Length = 7, Channels = 6;
        var policy = new TinyLanguageModel(Vocabulary, Channels, Length, causal: true, seed: 3);
        var frozen = new TinyLanguageModel(Vocabulary, Channels, Length, causal: true, seed: 4);
        var reference = new ScorerReference(new SequenceLogProbs(frozen, frozen));
        // β = 1 so the loss moves enough for float differences; the reference differs from the policy so z ≠ 0.
        var objective = new DpoObjective(new SequenceLogProbs(policy, policy), reference, beta: 1f);
        SupervisedSequence Seq(int[] prompt, int[] response) =>
            new([.. prompt, .. response], [.. prompt.Select(_ => LanguageModelBatch.IgnoreTarget), .. response]);
        var batch = new PreferenceCollator(0).Collate(
        [
            new PreferencePair(Seq([1, 2], [3, 4, 5]), Seq([1, 2], [6, 7])),
            new PreferencePair(Seq([8, 9, 10], [11, 1]), Seq([8, 9, 10], [2, 3, 4, 5])),
        ], default);
        var context = ForwardContext.Evaluation();
        objective.Forward(batch, context);
        Assert.NotEqual(Math.Log(2), objective.LastMetrics!.Loss, 3);
        policy.Parameters.ZeroGradients();
        objective.Backward(1f);
        var analytic = policy.Parameters.Gradients.ToArray();
        int checkedCount = TrainingTestSupport.AssertMatchesFiniteDifferences(policy.Parameters, analytic, () => objective.Forward(batch, context).Loss, 1e-3);
        Assert.True(checkedCount > 30);
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);
    }

    private sealed class ScorerReference(SequenceLogProbs scorer) : IReferenceScorer
    {
        public void Score(LanguageModelBatch batch, Span<double> logProbs) =>
            scorer.Forward(batch, ForwardContext.Evaluation(), logProbs, new int[batch.Batch], new double[batch.Batch]);
    }

    private static void AssertMetrics(JsonElement expected, PreferenceMetrics actual, string when)
    {
        foreach (var (name, value) in actual.ToTable())
        {
            double e = expected.GetProperty(name).GetDouble();
            Within(e, value, 2e-5 + 1e-5 * Math.Abs(e), $"{name} {when}");
        }
    }

    private static void Within(double expected, double actual, double tolerance, string what)
    {
        if (!(Math.Abs(expected - actual) <= tolerance))
            Assert.Fail($"{what}: {actual} vs expected {expected} (|diff| {Math.Abs(expected - actual)} > {tolerance})");
    }
}
