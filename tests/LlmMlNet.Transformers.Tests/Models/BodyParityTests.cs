// The bodies of BERT and GPT-2 against Hugging Face's stored hidden states (every layer and the last
// hidden state) within 1e-4 on the real tokens, in eval mode.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Models;

public sealed class BodyParityTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("bert-tiny-random")]
    [InlineData("gpt2-tiny-random")]
    public void HiddenStatesMatchHuggingFace(string fixtureName)
    {
        var fixture = ParityFixture.Load(fixtureName, "expected_forward.json");
        var parameters = TransformerParameters.FromPretrained(fixture.Folder, new HashSet<KeyGroup> { KeyGroup.Encoder }, out _);
        var batch = fixture.Batch(fixture.Root.GetProperty("inputs"));
        var model = new TransformerModel(parameters, batch.Batch, batch.SequenceLength) { KeepHiddenStates = true };
        var last = model.Forward(batch);
        var outputs = fixture.Root.GetProperty("outputs");
        var c = parameters.Config.HiddenSize;
        var mask = batch.AttentionMask!;
        ParityFixture.AssertCloseOnMask(last, ParityFixture.Floats(outputs.GetProperty("last_hidden_state").GetProperty("data")), mask, c, Tolerance, "last_hidden_state");
        var hidden = ParityFixture.Floats(outputs.GetProperty("hidden_states").GetProperty("data"));
        var per = batch.TokenCount * c;
        Assert.Equal(model.HiddenStates.Count * per, hidden.Length);
        for (var i = 0; i < model.HiddenStates.Count; i++)
            ParityFixture.AssertCloseOnMask(model.HiddenStates[i], hidden[(i * per)..((i + 1) * per)], mask, c, Tolerance, $"hidden_states[{i}]");
    }
}
