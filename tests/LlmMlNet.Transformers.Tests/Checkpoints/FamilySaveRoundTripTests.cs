// What our saver writes for each family is the layout Hugging Face's save_pretrained writes for the
// checkpoint we loaded: the same keys (buffers and tied copies left out, the base prefix present), the
// same shapes (GPT-2's Conv1D [in, out], c_attn joined), bit-identical F32 values, and a config that
// reads back the same. Set LLMMLNET_ROUNDTRIP_DIR to keep the saved folders, for
// `python/make_parity_fixtures.py --check-saved DIR/NAME --fixture NAME` (HF's reference forward on them).
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tests.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

public sealed class FamilySaveRoundTripTests
{
    private static readonly string[] Buffers = ["position_ids", "attn.bias", "attn.masked_bias"];

    [Theory]
    [InlineData("bert")]
    [InlineData("roberta")]
    [InlineData("roberta-base-noprefix")]
    [InlineData("distilbert")]
    [InlineData("distilbert-sinusoidal-noprefix")]
    [InlineData("gpt2")]
    public void SavedFolderHasHuggingFaceKeysShapesAndValues(string name)
    {
        var fixture = FamilyFixture.Load(name);
        var config = TransformerConfigReader.Read(Path.Combine(fixture.Folder, "config.json"));
        var parameters = TransformerParameters.FromPretrained(fixture.Folder, fixture.Groups(config.Family), out var report);
        Assert.Empty(report.Initialized);

        var keep = Environment.GetEnvironmentVariable("LLMMLNET_ROUNDTRIP_DIR");
        using var temp = new TempFolder();
        var target = string.IsNullOrEmpty(keep) ? temp.Path : Path.Combine(keep, name);
        var written = parameters.Save(target);

        var prefix = KeyTable.For(config.Family).Prefix;
        using var original = CheckpointFolder.Open(fixture.Folder);
        // HF's layout of the same model: stored names minus buffers, stored copies of tied weights (save_pretrained
        // drops them too) and weights this model does not have, with the base prefix (a bare-model save has none).
        var expected = original.TensorNames
            .Where(n => !Buffers.Any(b => n == b || n.EndsWith("." + b, StringComparison.Ordinal))
                        && !report.Unexpected.Contains(n) && !report.TiedSkipped.Contains(n))
            .ToDictionary(n => IsHead(n) || n.StartsWith(prefix, StringComparison.Ordinal) ? n : prefix + n, n => n, StringComparer.Ordinal);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), written);

        using var saved = CheckpointFolder.Open(target);
        foreach (var (key, stored) in expected)
        {
            var info = saved.Info(key);
            Assert.Equal(SafetensorsDType.F32, info.DType);
            Assert.Equal(original.Info(stored).Shape, info.Shape);
            Assert.Equal(original.FileOf(stored).ReadFloat32(stored), saved.FileOf(key).ReadFloat32(key));
        }
        var reread = TransformerConfigReader.Read(Path.Combine(target, "config.json"));
        Assert.Equal(config.Labels, reread.Labels);
        Assert.Equal(config with { Labels = reread.Labels, ExtraFields = reread.ExtraFields }, reread);
    }

    private static bool IsHead(string key) =>
        new[] { "cls.", "lm_head.", "classifier.", "pre_classifier.", "vocab_", "qa_outputs.", "score." }
            .Any(p => key.StartsWith(p, StringComparison.Ordinal));
}
