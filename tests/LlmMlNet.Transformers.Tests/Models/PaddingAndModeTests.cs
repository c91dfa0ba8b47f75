// Behaviour around padding, positions and modes: family position ids (RoBERTa's padding_idx offset,
// GPT-2 generation's cumulative-mask positions), padding that leaves real tokens' states unchanged,
// dropout only in training mode and reproducible per seed and step, save → load round trips, and
// batch validation errors.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Models;

public sealed class PaddingAndModeTests
{
    [Fact]
    public void RobertaPositionsStartAfterPaddingIdxAndPadsGetPaddingIdx()
    {
        // Hugging Face's create_position_ids_from_input_ids with padding_idx 1.
        Assert.Equal([2, 3, 4, 1, 1, 2, 3, 4, 5, 6], PositionIds.Roberta([0, 31, 2, 1, 1, 0, 9, 9, 9, 2], 2, 5, paddingIdx: 1));
        Assert.Equal([1, 1, 0, 1, 2, 0, 1, 2, 3, 4], PositionIds.FromAttentionMask([0, 0, 1, 1, 1, 1, 1, 1, 1, 1], 2, 5));
        Assert.Equal([0, 1, 2, 0, 1, 2], PositionIds.Sequential(2, 3));
    }

    [Theory]
    [InlineData(ModelFamily.Bert)]
    [InlineData(ModelFamily.Roberta)]
    [InlineData(ModelFamily.DistilBert)]
    [InlineData(ModelFamily.Gpt2)]
    public void RightPaddingLeavesRealTokensUnchanged(ModelFamily family)
    {
        var config = ModelGradientTests.TinyConfig(family, dropout: 0);
        var parameters = TransformerParameters.Create(ModelGradientTests.WideInit(config), new HashSet<KeyGroup> { KeyGroup.Encoder }, seed: 1);
        var pad = config.PadTokenId ?? 0;
        var model = new TransformerModel(parameters, 1, 6);
        var padded = model.Forward(new ModelBatch(1, 6, [3, 5, 7, 9, pad, pad], [1, 1, 1, 1, 0, 0])).ToArray();
        var alone = model.Forward(new ModelBatch(1, 4, [3, 5, 7, 9])).ToArray();
        for (var i = 0; i < alone.Length; i++) Assert.Equal(alone[i], padded[i], 1e-5f);
    }

    [Fact]
    public void Gpt2LeftPaddingWithMaskPositionsEqualsTheUnpaddedRow()
    {
        var config = ModelGradientTests.TinyConfig(ModelFamily.Gpt2, dropout: 0);
        var parameters = TransformerParameters.Create(ModelGradientTests.WideInit(config), new HashSet<KeyGroup> { KeyGroup.Encoder }, seed: 2);
        var model = new TransformerModel(parameters, 1, 6);
        int[] mask = [0, 0, 1, 1, 1, 1];
        var left = model.Forward(new ModelBatch(1, 6, [0, 0, 3, 5, 7, 9], mask, positionIds: PositionIds.FromAttentionMask(mask, 1, 6))).ToArray();
        var alone = model.Forward(new ModelBatch(1, 4, [3, 5, 7, 9])).ToArray();
        var c = config.HiddenSize;
        for (var i = 0; i < alone.Length; i++) Assert.Equal(alone[i], left[2 * c + i], 1e-5f);
    }

    [Fact]
    public void DropoutActsOnlyInTrainingModeAndRepeatsPerSeedAndStep()
    {
        var config = ModelGradientTests.TinyConfig(ModelFamily.Bert, dropout: 0.3);
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder }, seed: 3);
        var batch = ModelGradientTests.TinyBatch(config);
        var model = new TransformerModel(parameters, 2, 6, seed: 9);
        var eval1 = model.Forward(batch).ToArray();
        var eval2 = model.Forward(batch).ToArray();
        Assert.Equal(eval1, eval2);
        var noDropout = new TransformerModel(TransformerParametersWith(parameters, config with { HiddenDropout = 0, AttentionDropout = 0, EmbeddingDropout = 0 }), 2, 6);
        Assert.Equal(eval1, noDropout.Forward(batch).ToArray());
        model.IsTraining = true;
        model.State.Step = 1;
        var train1 = model.Forward(batch).ToArray();
        Assert.NotEqual(eval1, train1);
        Assert.Equal(train1, model.Forward(batch).ToArray());
        model.State.Step = 2;
        Assert.NotEqual(train1, model.Forward(batch).ToArray());
    }

    private static TransformerParameters TransformerParametersWith(TransformerParameters source, TransformerConfig config)
    {
        var copy = TransformerParameters.Create(config, source.Groups);
        Assert.Equal(source.Set.Layout.Tensors.Count, copy.Set.CopyValuesFrom(source.Set));
        return copy;
    }

    [Theory]
    [InlineData(ModelFamily.Roberta)]
    [InlineData(ModelFamily.DistilBert)]
    [InlineData(ModelFamily.Gpt2)]
    public void SavedModelsLoadBackWithIdenticalLogits(ModelFamily family)
    {
        var config = ModelGradientTests.TinyConfig(family, dropout: 0);
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Classification };
        var parameters = TransformerParameters.Create(config, groups, seed: 4);
        var batch = ModelGradientTests.TinyBatch(config);
        var before = new TransformerTask(new TransformerModel(parameters, 2, 6), m => new SequenceClassificationHead(m)).Forward(batch).ToArray();
        using var folder = new Checkpoints.TempFolder();
        parameters.Save(folder.Path);
        var loaded = TransformerParameters.FromPretrained(folder.Path, groups, out var report);
        Assert.True(report.IsExact, report.ToString());
        var after = new TransformerTask(new TransformerModel(loaded, 2, 6), m => new SequenceClassificationHead(m)).Forward(batch).ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public void BadBatchesAreRejectedNamingTheProblem()
    {
        var config = ModelGradientTests.TinyConfig(ModelFamily.Bert, dropout: 0);
        var model = new TransformerModel(TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder }), 2, 6);
        Assert.Contains("input_ids[0][1] = 99", Assert.Throws<ArgumentException>(() => model.Forward(new ModelBatch(1, 3, [1, 99, 2]))).Message);
        Assert.Contains("attention_mask[0][2] = 2", Assert.Throws<ArgumentException>(() => model.Forward(new ModelBatch(1, 3, [1, 2, 3], [1, 1, 2]))).Message);
        Assert.Contains("token_type_ids[0][0] = 5", Assert.Throws<ArgumentException>(() => model.Forward(new ModelBatch(1, 3, [1, 2, 3], null, [5, 0, 0]))).Message);
        Assert.Contains("exceeds", Assert.Throws<ArgumentException>(() => model.Forward(new ModelBatch(3, 2, [1, 2, 3, 4, 5, 6]))).Message);
        Assert.Contains("expected batch × sequence = 6", Assert.Throws<ArgumentException>(() => new ModelBatch(2, 3, [1, 2])).Message);
    }
}

public sealed class SinusoidalPositionTests
{
    [Fact]
    public void DistilBertSinusoidalTableIsFilledAndFrozen()
    {
        var config = ModelGradientTests.TinyConfig(ModelFamily.DistilBert) with { SinusoidalPositions = true };
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder });
        var table = parameters["embeddings.position"];
        var dim = config.HiddenSize;
        Assert.Equal(MathF.Sin(3f), table[3 * dim], 6);
        Assert.Equal((float)Math.Cos(3 / Math.Pow(10000, 2.0 * 2 / dim)), table[3 * dim + 5], 6);
        Assert.False(parameters.Set.Handle("embeddings.position").Trainable);
    }
}
