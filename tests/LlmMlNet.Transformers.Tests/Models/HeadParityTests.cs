// Every stored Hugging Face head output within 1e-4 on the real tokens: BERT's MLM, classifier, QA
// and pooler outputs; GPT-2's LM logits, right-padded and left-padded (positions 0..T-1 over the padded
// row, as Hugging Face's forward does when no position ids are passed).
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Models;

public sealed class HeadParityTests
{
    private const double Tolerance = 1e-4;

    private static float[] Data(System.Text.Json.JsonElement outputs, string name) =>
        ParityFixture.Floats(outputs.GetProperty(name).GetProperty("data"));

    [Fact]
    public void BertHeadsMatchHuggingFace()
    {
        var fixture = ParityFixture.Load("bert-tiny-random", "expected_forward.json");
        var all = Enum.GetValues<KeyGroup>().ToHashSet();
        var parameters = TransformerParameters.FromPretrained(fixture.Folder, all, out var report);
        Assert.True(report.IsExact, report.ToString());
        var batch = fixture.Batch(fixture.Root.GetProperty("inputs"));
        var model = new TransformerModel(parameters, batch.Batch, batch.SequenceLength);
        var mlm = new MaskedLmHead(model);
        var classifier = new SequenceClassificationHead(model);
        var qa = new QuestionAnsweringHead(model);
        var pooler = new FeaturePooling(model, PoolingMode.Pooler);
        var hidden = model.Forward(batch);
        var outputs = fixture.Root.GetProperty("outputs");
        var mask = batch.AttentionMask!;
        var allRows = Enumerable.Repeat(1, batch.Batch).ToArray();
        ParityFixture.AssertCloseOnMask(mlm.Forward(hidden), Data(outputs, "mlm_logits"), mask, parameters.Config.VocabSize, Tolerance, "mlm_logits");
        ParityFixture.AssertCloseOnMask(classifier.Forward(hidden), Data(outputs, "classifier_logits"), allRows, 3, Tolerance, "classifier_logits");
        ParityFixture.AssertCloseOnMask(pooler.Forward(hidden), Data(outputs, "pooler_output"), allRows, parameters.Config.HiddenSize, Tolerance, "pooler_output");
        qa.Forward(hidden);
        ParityFixture.AssertCloseOnMask(qa.StartLogits, Data(outputs, "qa_start_logits"), mask, 1, Tolerance, "qa_start_logits");
        ParityFixture.AssertCloseOnMask(qa.EndLogits, Data(outputs, "qa_end_logits"), mask, 1, Tolerance, "qa_end_logits");
    }

    [Fact]
    public void Gpt2LogitsMatchHuggingFaceWithRightAndLeftPadding()
    {
        var fixture = ParityFixture.Load("gpt2-tiny-random", "expected_forward.json");
        var parameters = TransformerParameters.FromPretrained(fixture.Folder, new HashSet<KeyGroup> { KeyGroup.Encoder }, out _);
        var batch = fixture.Batch(fixture.Root.GetProperty("inputs"));
        var model = new TransformerModel(parameters, batch.Batch, batch.SequenceLength);
        var task = new TransformerTask(model, m => new CausalLmHead(m));
        var v = parameters.Config.VocabSize;
        ParityFixture.AssertCloseOnMask(task.Forward(batch), Data(fixture.Root.GetProperty("outputs"), "logits"), batch.AttentionMask!, v, Tolerance, "logits");

        var left = fixture.Root.GetProperty("left_padded");
        var leftBatch = fixture.Batch(left);
        var logits = task.Forward(leftBatch);
        var lengths = left.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expected = left.GetProperty("logits_real_positions").EnumerateArray().ToArray();
        var t = leftBatch.SequenceLength;
        for (var b = 0; b < leftBatch.Batch; b++)
        {
            var want = ParityFixture.Floats(expected[b].GetProperty("data"));
            var start = (b * t + t - lengths[b]) * v;
            var got = logits.Slice(start, lengths[b] * v);
            ParityFixture.AssertCloseOnMask(got, want, Enumerable.Repeat(1, lengths[b]).ToArray(), v, Tolerance, $"left_padded row {b}");
        }
    }
}
