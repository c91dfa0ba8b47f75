// Parity on the committed per-family fixtures (Fixtures/families, from python/make_parity_fixtures.py):
// BERT, RoBERTa, DistilBERT and GPT-2 checkpoints in F32/F16/BF16, sharded, without the base prefix,
// with TF-era names and stored tied copies, loaded by our loader; every output Hugging Face's forward
// gives (last hidden state, pooler, MLM / LM / classifier / QA logits) matched within 1e-4.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Models;

public sealed class FamilyParityTests
{
    // Absolute; the F16/BF16 references are computed from the stored weights upcast to float32, so the
    // float32 tolerance holds for them too (float32 vs PyTorch differ by ~1e-6 at these sizes).
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Checkpoints => new()
    {
        "bert", "bert-tf-names-f16", "bert-base-noprefix", "roberta", "roberta-base-noprefix", "roberta-mlm-bf16-sharded",
        "distilbert", "distilbert-sinusoidal-noprefix", "gpt2", "gpt2-noprefix-lmhead-bf16",
        // The same checkpoints as pytorch_model.bin (python/make_pickle_fixtures.py), read by the restricted unpickler.
        "bert-bin", "bert-tf-names-f16-bin", "roberta-mlm-bf16-sharded-bin", "gpt2-bin",
    };

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void EveryStoredOutputMatchesTheReference(string name)
    {
        var fixture = FamilyFixture.Load(name);
        var config = TransformerConfigReader.Read(Path.Combine(fixture.Folder, "config.json"));
        var parameters = TransformerParameters.FromPretrained(fixture.Folder, fixture.Groups(config.Family), out var report);
        Assert.True(report.Initialized.Count == 0, report.ToString());
        foreach (var part in fixture.Parts) CheckPart(fixture, parameters, part);
    }

    private static void CheckPart(FamilyFixture fixture, TransformerParameters parameters, string part)
    {
        var config = parameters.Config;
        var batch = fixture.Batch(part);
        var model = new TransformerModel(parameters, batch.Batch, batch.SequenceLength);
        var has = (string output) => fixture.Outputs(part).TryGetProperty(output, out _);
        MaskedLmHead? mlm = has("mlm_logits") ? new MaskedLmHead(model) : null;
        CausalLmHead? clm = has("lm_logits") ? new CausalLmHead(model) : null;
        SequenceClassificationHead? classifier = has("classifier_logits") ? new SequenceClassificationHead(model) : null;
        QuestionAnsweringHead? qa = has("qa_start_logits") ? new QuestionAnsweringHead(model) : null;
        FeaturePooling? pooler = has("pooler_output") ? new FeaturePooling(model, PoolingMode.Pooler) : null;
        model.Commit();
        var hidden = model.Forward(batch);
        // Encoders: every position is defined by HF (pad queries still attend to real keys). GPT-2: a left pad's
        // query sees no key at all, which each HF attention implementation fills differently, so real positions only.
        var tokens = config.Family == ModelFamily.Gpt2 ? batch.AttentionMask! : Enumerable.Repeat(1, batch.TokenCount).ToArray();
        var rows = Enumerable.Repeat(1, batch.Batch).ToArray();
        var what = $"{fixture.Name} {part}";
        Compare(hidden, fixture.Expected(part, "last_hidden_state"), tokens, config.HiddenSize, $"{what} last_hidden_state");
        if (mlm != null) Compare(mlm.Forward(hidden), fixture.Expected(part, "mlm_logits"), tokens, config.VocabSize, $"{what} mlm_logits");
        if (clm != null) Compare(clm.Forward(hidden), fixture.Expected(part, "lm_logits"), tokens, config.VocabSize, $"{what} lm_logits");
        if (pooler != null) Compare(pooler.Forward(hidden), fixture.Expected(part, "pooler_output"), rows, config.HiddenSize, $"{what} pooler_output");
        if (classifier != null)
        {
            Compare(classifier.Forward(hidden), fixture.Expected(part, "classifier_logits"), rows, config.NumLabels, $"{what} classifier_logits");
            if (has("classifier_index"))
                Assert.Equal(fixture.Expected(part, "classifier_index").Select(v => (int)v), classifier.SummaryIndex.ToArray());
        }
        if (qa != null)
        {
            qa.Forward(hidden);
            Compare(qa.StartLogits, fixture.Expected(part, "qa_start_logits"), tokens, 1, $"{what} qa_start_logits");
            Compare(qa.EndLogits, fixture.Expected(part, "qa_end_logits"), tokens, 1, $"{what} qa_end_logits");
        }
    }

    private static void Compare(ReadOnlySpan<float> actual, float[] expected, int[] rows, int width, string what) =>
        ParityFixture.AssertCloseOnMask(actual[..expected.Length], expected, rows, width, Tolerance, what);
}
