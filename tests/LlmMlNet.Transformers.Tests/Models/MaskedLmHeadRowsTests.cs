// MaskedLmHead's rows overload (pre-training projects only gathered masked rows): on a subset of rows it
// gives the every-row logits of those rows, its backward gives the gradients of the every-row path with the
// same logit gradients at those rows, and a head built without every-row logits refuses the every-row API.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Models;

public sealed class MaskedLmHeadRowsTests
{
    [Fact]
    public void RowsOverloadEqualsEveryRowPathOnGatheredRows()
    {
        var config = ModelGradientTests.TinyConfig(ModelFamily.Bert, dropout: 0);
        var batch = ModelGradientTests.TinyBatch(config);
        var parameters = TransformerParameters.Create(ModelGradientTests.WideInit(config), new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.MaskedLm }, seed: 8);
        var model = new TransformerModel(parameters, batch.Batch, batch.SequenceLength);
        var rowsOnly = new MaskedLmHead(model, logitsForEveryRow: false);
        var every = new MaskedLmHead(model);
        model.Commit();
        int c = config.HiddenSize, v = config.VocabSize, total = batch.TokenCount;
        var hidden = model.Forward(batch).ToArray();
        var full = every.Forward(hidden).ToArray();

        int[] picked = [1, 4, 7];
        var gathered = picked.SelectMany(r => hidden.Skip(r * c).Take(c)).ToArray();
        var logits = new float[picked.Length * v];
        rowsOnly.Forward(gathered, logits, picked.Length);
        for (var i = 0; i < picked.Length; i++)
            Assert.Equal(full.AsSpan(picked[i] * v, v).ToArray(), logits.AsSpan(i * v, v).ToArray());

        var dLogits = Enumerable.Range(0, picked.Length * v).Select(i => (float)Math.Sin(i + 1)).ToArray();
        var set = parameters.Set;
        set.ZeroGradients();
        var dGathered = new float[gathered.Length];
        rowsOnly.Backward(gathered, dLogits, dGathered, picked.Length);
        var rowsGradients = set.Gradients.ToArray();

        // The every-row path with the same logit gradients at the picked rows and zeros elsewhere.
        set.ZeroGradients();
        var dFull = new float[total * v];
        for (var i = 0; i < picked.Length; i++) dLogits.AsSpan(i * v, v).CopyTo(dFull.AsSpan(picked[i] * v));
        var dHidden = new float[total * c];
        every.Backward(hidden, dFull, dHidden, total);
        var everyGradients = set.Gradients.ToArray();
        for (var i = 0; i < rowsGradients.Length; i++) Assert.Equal(everyGradients[i], rowsGradients[i], 1e-5f);
        for (var i = 0; i < picked.Length; i++)
            for (var j = 0; j < c; j++) Assert.Equal(dHidden[picked[i] * c + j], dGathered[i * c + j], 1e-6f);
        Assert.Contains(rowsGradients, g => g != 0);

        Assert.Throws<InvalidOperationException>(() => rowsOnly.Forward(hidden));
        Assert.Throws<ArgumentException>(() => rowsOnly.Forward(hidden, new float[(total + 1) * v], total + 1));
    }
}
