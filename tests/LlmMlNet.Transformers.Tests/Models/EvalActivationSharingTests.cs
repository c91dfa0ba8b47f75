// Eval-mode Forward overlays every block's activations (nothing kept for a backward): it must give the
// same hidden states as a training-mode Forward without dropout, and a Backward after it must recompute
// what it needs and give the same gradients, for post-LN (BERT) and pre-LN (GPT-2) blocks alike.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Models;

public sealed class EvalActivationSharingTests
{
    [Theory]
    [InlineData(ModelFamily.Bert)]
    [InlineData(ModelFamily.Gpt2)]
    public void EvalForwardEqualsTrainingForwardAndBackwardAfterItRecomputes(ModelFamily family)
    {
        var config = ModelGradientTests.TinyConfig(family, dropout: 0) with { NumLayers = 3 };
        var batch = ModelGradientTests.TinyBatch(config);
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.QuestionAnswering };
        var parameters = TransformerParameters.Create(ModelGradientTests.WideInit(config), groups, seed: 4);
        var task = new TransformerTask(new TransformerModel(parameters, batch.Batch, batch.SequenceLength), m => new QuestionAnsweringHead(m));
        int[] labels = [1, 2, 3, 4];
        var set = parameters.Set;

        task.Model.IsTraining = true;
        set.ZeroGradients();
        var trainLoss = task.ForwardLoss(batch, labels);
        var trainHidden = task.Model.LastHiddenState.ToArray();
        task.Backward();
        var trainGradients = set.Gradients.ToArray();

        task.Model.IsTraining = false;
        set.ZeroGradients();
        var evalLoss = task.ForwardLoss(batch, labels);
        Assert.Equal(trainHidden, task.Model.LastHiddenState.ToArray());
        Assert.Equal(trainLoss, evalLoss);
        task.Backward();
        Assert.Equal(trainGradients, set.Gradients.ToArray());
        Assert.Contains(trainGradients, g => g != 0);
    }

    [Fact]
    public void EvalForwardTouchesOneBlocksActivationsNotAll()
    {
        // The arena's own memory for blocks 1..N-1 stays zero through eval passes: they run in block 0's region.
        var config = ModelGradientTests.TinyConfig(ModelFamily.Bert, dropout: 0) with { NumLayers = 4 };
        var parameters = TransformerParameters.Create(config, new HashSet<KeyGroup> { KeyGroup.Encoder }, seed: 1);
        var model = new TransformerModel(parameters, 2, 6);
        var batch = ModelGradientTests.TinyBatch(config);
        var evalOutput = model.Forward(batch).ToArray();
        model.Arena.SharedGroups = false;
        var distinct = model.BlockOutputCopies();
        Assert.All(distinct.Skip(1), output => Assert.All(output, v => Assert.Equal(0f, v)));
        model.IsTraining = true;
        Assert.Equal(evalOutput, model.Forward(batch).ToArray());
        Assert.All(model.BlockOutputCopies(), output => Assert.Contains(output, v => v != 0f));
    }
}
