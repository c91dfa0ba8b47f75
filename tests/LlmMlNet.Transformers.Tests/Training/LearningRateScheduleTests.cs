// Schedules against hand-computed values of Hugging Face's get_*_schedule_with_warmup.
using LlmMlNet.Transformers.Training;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void LinearWarmupThenLinearDecayMatchesHandValues()
    {
        // total 10, warm-up 4, base 1: λ = 0, .25, .5, .75, then (10 - k) / 6.
        var s = new LearningRateSchedule(1f, 10, 4, LearningRateDecay.Linear);
        double[] expected = [0, 0.25, 0.5, 0.75, 1, 5.0 / 6, 4.0 / 6, 0.5, 2.0 / 6, 1.0 / 6, 0];
        for (int k = 0; k <= 10; k++) Assert.Equal(expected[k], s.Factor(k), 12);
    }

    [Fact]
    public void CosineDecayMatchesHandValues()
    {
        // total 6, warm-up 2: after warm-up λ = ½(1 + cos(π (k-2)/4)).
        var s = new LearningRateSchedule(2f, 6, 2, LearningRateDecay.Cosine);
        Assert.Equal(0.0, s.Factor(0), 12);
        Assert.Equal(0.5, s.Factor(1), 12);
        Assert.Equal(1.0, s.Factor(2), 12);
        Assert.Equal(0.5 * (1 + Math.Sqrt(0.5)), s.Factor(3), 12);
        Assert.Equal(0.5, s.Factor(4), 12);
        Assert.Equal(0.5 * (1 - Math.Sqrt(0.5)), s.Factor(5), 12);
        Assert.Equal(0.0, s.Factor(6), 12);
        Assert.Equal(2f * (float)(0.5 * (1 + Math.Sqrt(0.5))), s.RateAt(3));
    }

    [Fact]
    public void ConstantAndWarmupRatioRoundUp()
    {
        var s = LearningRateSchedule.From(new TrainerOptions { LearningRate = 1f, WarmupRatio = 0.25, Decay = LearningRateDecay.Constant }, 10);
        Assert.Equal(3, s.WarmupSteps); // ceil(2.5)
        Assert.Equal(1.0 / 3, s.Factor(1), 12);
        Assert.Equal(1.0, s.Factor(9), 12);
        Assert.Equal(5, LearningRateSchedule.From(new TrainerOptions { WarmupSteps = 5, WarmupRatio = 0.9 }, 10).WarmupSteps);
    }

    [Fact]
    public void BadArgumentsNameTheField()
    {
        Assert.Contains("warmupSteps", Assert.Throws<ArgumentException>(() => new LearningRateSchedule(1f, 5, 6, LearningRateDecay.Linear)).Message);
        Assert.Contains("GradientAccumulationSteps", Assert.Throws<ArgumentException>(() => new TrainerOptions { GradientAccumulationSteps = 0 }.Validate()).Message);
        Assert.Contains("EarlyStoppingPatience", Assert.Throws<ArgumentException>(() => new TrainerOptions { EarlyStoppingPatience = 2 }.Validate()).Message);
    }
}
