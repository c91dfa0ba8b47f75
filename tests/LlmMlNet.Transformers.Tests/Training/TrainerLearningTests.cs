// The trainer makes models learn: MLM and CLM losses on a bigram corpus fall far below their start
// within a few seconds, gradient accumulation matches one big batch, and clipping is applied.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Training;
using Xunit;
using static LlmMlNet.Transformers.Tests.Training.TrainingTestSupport;

namespace LlmMlNet.Transformers.Tests.Training;

public sealed class TrainerLearningTests
{
    private const int Vocabulary = 24, Length = 16;

    [Fact]
    public void MaskedLanguageModelLossFallsWellBelowItsStart()
    {
        var model = new TinyLanguageModel(Vocabulary, 32, Length, causal: false, dropout: 0.1f);
        var objective = new LanguageModelObjective(model, model);
        var data = BigramBlocks(256, Length, Vocabulary);
        // Evaluation masks are fixed by one collation so before/after compare the same positions.
        var collator = MlmCollator(Vocabulary);
        var validation = BigramBlocks(32, Length, Vocabulary, seed: 99).Chunk(16)
            .Select((c, i) => collator.Collate(c, new BatchContext(0, i, i, 5))).ToList();
        double before = LossEvaluation.Evaluate(objective, validation)[LossEvaluation.LossMetric];
        var result = new Trainer(new TrainerOptions { LearningRate = 1e-2f, BatchSize = 16, Epochs = 6, WarmupSteps = 5, Seed = 3 })
            .Train(objective, data, collator, LossEvaluation.For(objective, validation));
        double after = LossEvaluation.Evaluate(objective, validation)[LossEvaluation.LossMetric];
        Assert.Equal(96, result.GlobalStep);
        Assert.True(after < 0.5 * before, $"MLM eval loss {before:F3} -> {after:F3} should at least halve.");
    }

    [Fact]
    public void CausalLanguageModelLossFallsAndPerplexityIsItsExponential()
    {
        var model = new TinyLanguageModel(Vocabulary, 32, Length, causal: true);
        var objective = new LanguageModelObjective(model, model);
        var collator = new CausalLanguageModelCollator(Pad);
        var validation = BigramBlocks(32, Length, Vocabulary, seed: 98).Chunk(16)
            .Select((c, i) => collator.Collate(c, new BatchContext(0, i, i, 5))).ToList();
        var start = LossEvaluation.Evaluate(objective, validation);
        new Trainer(new TrainerOptions { LearningRate = 1e-2f, BatchSize = 16, Epochs = 4, Seed = 3 })
            .Train(objective, BigramBlocks(256, Length, Vocabulary), collator);
        var end = LossEvaluation.Evaluate(objective, validation);
        Assert.True(end["eval_loss"] < 0.4 * start["eval_loss"], $"CLM loss {start["eval_loss"]:F3} -> {end["eval_loss"]:F3}.");
        Assert.Equal(Math.Exp(end["eval_loss"]), end["perplexity"], 9);
        // A bigram source with 10% noise over 20 words has a perplexity near 1.9 at best; the model gets close.
        Assert.True(end["perplexity"] < 3.0, $"perplexity {end["perplexity"]:F2}");
    }

    [Fact]
    public void TwoAccumulatedBatchesOfFourEqualOneBatchOfEight()
    {
        var data = BigramBlocks(32, Length, Vocabulary);
        ParameterSet Run(int batch, int accumulation)
        {
            var model = new TinyLanguageModel(Vocabulary, 16, Length, causal: true);
            new Trainer(new TrainerOptions
            {
                LearningRate = 1e-2f, BatchSize = batch, GradientAccumulationSteps = accumulation, MaxSteps = 3,
                ShuffleBufferSize = 0, Epsilon = 1e-4f, MaxGradientNorm = null,
            }).Train(new LanguageModelObjective(model, model), data, new CausalLanguageModelCollator(Pad));
            return model.Parameters;
        }
        var big = Run(8, 1);
        var accumulated = Run(4, 2);
        // Same examples per step; sums differ only in float rounding (summation order), so 1e-5 absolute after 3 Adam steps.
        for (int i = 0; i < big.Values.Length; i++) Assert.True(Math.Abs(big.Values[i] - accumulated.Values[i]) < 1e-5, $"element {i}: {big.Values[i]} vs {accumulated.Values[i]}");
        Assert.NotEqual(Run(8, 1).Values, new TinyLanguageModel(Vocabulary, 16, Length, causal: true).Parameters.Values);
    }

    [Fact]
    public void GlobalNormClippingIsAppliedBeforeTheUpdate()
    {
        // With β1 = β2 = 0 and eps = 1, AdamW's first step is p -= lr · g / (|g| + 1): not scale-invariant, so clipping shows.
        static float[] Step(double? maxNorm)
        {
            var model = new FixedGradientModel([3f, 4f]);
            var result = new Trainer(new TrainerOptions
            {
                LearningRate = 1f, Beta1 = 0f, Beta2 = 0f, Epsilon = 1f, WeightDecay = 0f, MaxSteps = 1, BatchSize = 1, MaxGradientNorm = maxNorm,
            }).Train(model, [0], new IdentityCollator());
            Assert.Equal(5.0, result.History[0].GradientNorm, 6);
            return model.Parameters.Values;
        }
        var clipped = Step(1.0);
        Assert.Equal(-0.6f / 1.6f, clipped[0], 5);
        Assert.Equal(-0.8f / 1.8f, clipped[1], 5);
        var free = Step(null);
        Assert.Equal(-3f / 4f, free[0], 5);
        Assert.Equal(-4f / 5f, free[1], 5);
    }

    [Fact]
    public void WeightDecaySkipsBiasesAndOnlyTrainableTensorsChange()
    {
        var model = new TinyLanguageModel(Vocabulary, 16, Length, causal: true, freezeEmbeddings: true);
        var frozen = model.Parameters.View("word").ToArray();
        var layout = model.Parameters.Layout;
        Assert.False(layout["mix.bias"].WeightDecay);
        Assert.True(layout["mix.weight"].WeightDecay);
        Assert.Equal(layout["word"].Length + layout["position"].Length, layout.TotalLength - layout.TrainableLength);
        new Trainer(new TrainerOptions { LearningRate = 1e-2f, MaxSteps = 2, BatchSize = 4 })
            .Train(new LanguageModelObjective(model, model), BigramBlocks(8, Length, Vocabulary), new CausalLanguageModelCollator(Pad));
        Assert.Equal(frozen, model.Parameters.View("word").ToArray());
    }

    /// <summary>A one-tensor model whose gradient is lossScale · fixed, for optimizer-level checks.</summary>
    internal sealed class FixedGradientModel : ITrainableModel<int>
    {
        private readonly float[] _gradient;
        public FixedGradientModel(float[] gradient, Func<long, float>? lossAtStep = null)
        {
            _gradient = gradient;
            LossAtStep = lossAtStep ?? (_ => 1f);
            Parameters = new ParameterSet(new ParameterLayout.Builder().Add("p", [gradient.Length], weightDecay: false).Build());
        }
        public Func<long, float> LossAtStep { get; }
        public ParameterSet Parameters { get; }
        public BatchLoss Forward(int batch, ForwardContext context) => new(LossAtStep(context.Step), 1, 1);
        public void Backward(float lossScale)
        {
            for (int i = 0; i < _gradient.Length; i++) Parameters.Gradients[i] += lossScale * _gradient[i];
        }
    }

    internal sealed class IdentityCollator : IBatchCollator<int, int>
    {
        public int Collate(IReadOnlyList<int> examples, BatchContext context) => examples[0];
    }
}
