// The LM objective: the head runs on target rows only yet gives the loss of the full projection
// (computed naively in double over every row), and its gradients match central finite differences.
using LlmMlNet.Transformers.Training;
using Xunit;
using static LlmMlNet.Transformers.Tests.Training.TrainingTestSupport;

namespace LlmMlNet.Transformers.Tests.Training;

public sealed class LanguageModelObjectiveTests
{
    private const int Vocabulary = 20, Length = 10, Channels = 8;

    private static LanguageModelBatch MaskedBatch()
        => MlmCollator(Vocabulary, new MaskingOptions { MaskProbability = 0.3 })
            .Collate(BigramBlocks(3, Length, Vocabulary), new BatchContext(0, 0, 4, 9));

    [Fact]
    public void HeadRunsOnTargetRowsOnlyAndMatchesTheFullProjection()
    {
        var model = new TinyLanguageModel(Vocabulary, Channels, Length, causal: false);
        var objective = new LanguageModelObjective(model, model);
        var batch = MaskedBatch();
        int targets = batch.TargetCount;
        Assert.InRange(targets, 1, batch.Batch * batch.SequenceLength - 1);
        var loss = objective.Forward(batch, ForwardContext.Evaluation());
        Assert.Equal(targets, model.LastHeadRows);
        Assert.Equal(targets, loss.Targets);

        // Naive: logits for every row, then the mean over rows with targets, in double.
        int rows = batch.Batch * batch.SequenceLength;
        var hidden = model.Forward(batch, ForwardContext.Evaluation()).ToArray();
        var logits = new float[rows * Vocabulary];
        model.Forward(hidden, logits, rows, ForwardContext.Evaluation());
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int t = batch.Targets[r];
            if (t == LanguageModelBatch.IgnoreTarget) continue;
            var row = logits.AsSpan(r * Vocabulary, Vocabulary).ToArray().Select(x => (double)x).ToArray();
            double max = row.Max();
            total += max + Math.Log(row.Sum(x => Math.Exp(x - max))) - row[t];
        }
        Assert.Equal(total / targets, loss.Loss, 5);
    }

    [Fact]
    public void GradientsMatchCentralFiniteDifferences()
    {
        var model = new TinyLanguageModel(Vocabulary, Channels, Length, causal: false);
        var objective = new LanguageModelObjective(model, model);
        var batch = MaskedBatch();
        var context = ForwardContext.Evaluation();
        objective.Forward(batch, context);
        objective.Backward(1f);
        var analytic = model.Parameters.Gradients.ToArray();
        // Float forward, double differences of a step 1e-2: tolerance 2e-3 absolute + 2% relative.
        int checkedCount = AssertMatchesFiniteDifferences(model.Parameters, analytic, () => objective.Forward(batch, context).Loss, 2e-3);
        Assert.True(checkedCount > 40);
    }

    [Fact]
    public void BatchWithoutTargetsHasZeroLossAndGradient()
    {
        var model = new TinyLanguageModel(Vocabulary, Channels, Length, causal: true);
        var objective = new LanguageModelObjective(model, model);
        var batch = new LanguageModelBatch(1, 3, [5, 6, 7], [1, 1, 1], [-100, -100, -100]);
        Assert.Equal(new BatchLoss(0f, 3, 0), objective.Forward(batch, ForwardContext.Evaluation()));
        objective.Backward(1f);
        Assert.All(model.Parameters.Gradients, g => Assert.Equal(0f, g));
        var bad = new LanguageModelBatch(1, 3, [5, 6, 7], [1, 1, 1], [-100, Vocabulary, -100]);
        Assert.Contains("targets[0][1]", Assert.Throws<ArgumentException>(() => objective.Forward(bad, ForwardContext.Evaluation())).Message);
    }
}
