// Hugging Face's load-report semantics and save round trips on the committed per-family fixtures
// (Fixtures/families): a head the checkpoint lacks starts fresh and is said, a missing encoder weight
// is an error naming the key, other heads / NSP weights are unused, buffers and tied copies are skipped,
// a pickle-only folder is refused clearly, and what we save is the HF layout we loaded.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tests.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

public sealed class FamilyCheckpointTests
{
    private static TransformerParameters Load(string fixture, HeadKind head, out CheckpointLoadReport report)
    {
        var folder = FamilyFixture.PathOf(fixture);
        var family = TransformerConfigReader.Read(Path.Combine(folder, "config.json")).Family;
        return TransformerParameters.FromPretrained(folder, HeadKinds.Groups(head, family), out report);
    }

    [Fact]
    public void ClassifierMissingFromABaseCheckpointStartsFreshAndIsReported()
    {
        var parameters = Load("bert-base-noprefix", HeadKind.Classification, out var report);
        Assert.Equal(["classifier.bias", "classifier.weight"], report.MissingHfKeys.Order(StringComparer.Ordinal));
        Assert.Equal(["classifier.out.bias", "classifier.out.weight"], report.Initialized.Order(StringComparer.Ordinal));
        Assert.Contains("pooler.dense.weight", report.Loaded);
        Assert.Empty(report.Unexpected);
        Assert.Contains("newly initialized: classifier.", report.ToString());
        // The fresh head follows HF's _init_weights: N(0, initializer_range) weights, zero bias.
        Assert.All(parameters["classifier.out.bias"].ToArray(), v => Assert.Equal(0f, v));
        Assert.InRange(Std(parameters["classifier.out.weight"]), 0.005, 0.05);

        Load("roberta-mlm-bf16-sharded", HeadKind.Classification, out var roberta);
        Assert.Equal(["classifier.dense.bias", "classifier.dense.weight", "classifier.out_proj.bias", "classifier.out_proj.weight"],
            roberta.MissingHfKeys.Order(StringComparer.Ordinal));
        Assert.Contains("lm_head.dense.weight", roberta.Unexpected);

        Load("gpt2-noprefix-lmhead-bf16", HeadKind.QuestionAnswering, out var gpt2);
        Assert.Equal(["qa_outputs.bias", "qa_outputs.weight"], gpt2.MissingHfKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OtherHeadsAreUnusedAndBuffersAndTiedCopiesAreSkipped()
    {
        Load("bert-tf-names-f16", HeadKind.MaskedLm, out var bert);
        Assert.Empty(bert.Initialized);
        // Current transformers lists BertForMaskedLM's unused pooler and NSP weights in its "not used" warning.
        Assert.Equal(["bert.pooler.dense.bias", "bert.pooler.dense.weight", "classifier.bias", "classifier.weight",
            "cls.seq_relationship.bias", "cls.seq_relationship.weight", "qa_outputs.bias", "qa_outputs.weight"],
            bert.Unexpected.Order(StringComparer.Ordinal));
        Assert.Contains("cls.predictions.decoder.weight", bert.TiedSkipped);
        Assert.Contains("cls.predictions.decoder.bias", bert.TiedSkipped);

        Load("distilbert", HeadKind.Classification, out var distil);
        Assert.Equal(["distilbert.embeddings.position_ids"], distil.Ignored);
        Assert.Contains("vocab_projector.bias", distil.Unexpected);
        Assert.Contains("qa_outputs.weight", distil.Unexpected);
        Assert.Equal(["vocab_projector.weight"], distil.TiedSkipped);

        Load("gpt2", HeadKind.CausalLm, out var gpt2);
        Assert.Equal(4, gpt2.Ignored.Count); // attn.bias and attn.masked_bias of both layers
        Assert.All(gpt2.Ignored, k => Assert.Matches(@"^transformer\.h\.\d\.attn\.(masked_)?bias$", k));
        Assert.Equal(["qa_outputs.bias", "qa_outputs.weight", "score.weight"], gpt2.Unexpected.Order(StringComparer.Ordinal));

        Load("gpt2-noprefix-lmhead-bf16", HeadKind.CausalLm, out var original);
        Assert.True(original.IsExact, original.ToString());
        Assert.Equal(["lm_head.weight"], original.TiedSkipped);
        Assert.Equal(["h.0.attn.bias", "h.1.attn.bias"], original.Ignored.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("bert", "bert.encoder.layer.1.output.dense.weight")]
    [InlineData("roberta", "roberta.embeddings.LayerNorm.bias")]
    [InlineData("distilbert", "distilbert.transformer.layer.0.attention.k_lin.weight")]
    [InlineData("gpt2-noprefix-lmhead-bf16", "h.1.attn.c_attn.weight")]
    public void MissingEncoderWeightIsAnErrorNamingTheKey(string fixture, string dropped)
    {
        using var temp = new TempFolder();
        CopyWithout(FamilyFixture.PathOf(fixture), temp.Path, dropped);
        var family = TransformerConfigReader.Read(temp.File("config.json")).Family;
        var error = Assert.Throws<InvalidDataException>(() =>
            TransformerParameters.FromPretrained(temp.Path, HeadKinds.Groups(HeadKind.None, family), out _));
        var prefixed = dropped.StartsWith(KeyTable.For(family).Prefix, StringComparison.Ordinal) ? dropped : KeyTable.For(family).Prefix + dropped;
        Assert.Contains(prefixed, error.Message);
        Assert.Contains("lacks encoder weight", error.Message);
    }

    [Fact]
    public void MissingSinusoidalTableIsRecomputedAsHuggingFaceDoes()
    {
        using var temp = new TempFolder();
        var source = FamilyFixture.PathOf("distilbert-sinusoidal-noprefix");
        CopyWithout(source, temp.Path, "embeddings.position_embeddings.weight");
        var parameters = TransformerParameters.FromPretrained(temp.Path, HeadKinds.Groups(HeadKind.None, ModelFamily.DistilBert), out var report);
        Assert.Equal(["embeddings.position"], report.Initialized);
        using var stored = SafetensorsFile.Open(Path.Combine(source, "model.safetensors"));
        var table = stored.ReadFloat32("embeddings.position_embeddings.weight");
        var ours = parameters["embeddings.position"].ToArray();
        for (var i = 0; i < table.Length; i++) Assert.True(Math.Abs(table[i] - ours[i]) <= 1e-6, $"sinusoid [{i}]: {ours[i]} vs {table[i]}");
    }

    [Fact]
    public void PickleOnlyFolderIsReadAndItsMissingWeightsNamed()
    {
        var folder = FamilyFixture.PathOf("bert-pytorch-bin-only");
        var error = Assert.Throws<InvalidDataException>(() => TransformerParameters.FromPretrained(folder, HeadKinds.Groups(HeadKind.None, ModelFamily.Bert), out _));
        Assert.Contains("lacks encoder weight(s) bert.embeddings.position_embeddings.weight", error.Message);
    }

    [Fact]
    public void ConfigsTheModelsCannotRunFailAtReadNamingTheField()
    {
        foreach (var name in ModelFamilies.ActivationNames) LlmMlNet.Transformers.Layers.Activations.Parse(name);
        using var temp = new TempFolder();
        var text = File.ReadAllText(Path.Combine(FamilyFixture.PathOf("bert"), "config.json")).Replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"silu\"");
        File.WriteAllText(temp.File("config.json"), text);
        var error = Assert.Throws<InvalidDataException>(() => TransformerConfigReader.Read(temp.File("config.json")));
        Assert.Contains("'hidden_act' is 'silu'", error.Message);
        Assert.Contains(temp.File("config.json"), error.Message);

        File.WriteAllText(temp.File("config.json"), text.Replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\", \"is_decoder\": true"));
        Assert.Contains("'is_decoder' is true", Assert.Throws<InvalidDataException>(() => TransformerConfigReader.Read(temp.File("config.json"))).Message);
    }

    [Fact]
    public void ConfigWithoutModelTypeTakesTheFamilyFromTheFolderNameOrArchitectures()
    {
        using var temp = new TempFolder();
        string Without(string fixture, string folderName, bool keepArchitectures)
        {
            var folder = Directory.CreateDirectory(Path.Combine(temp.Path, folderName)).FullName;
            var lines = File.ReadAllLines(Path.Combine(FamilyFixture.PathOf(fixture), "config.json"))
                .Where(l => !l.Contains("\"model_type\"", StringComparison.Ordinal)).ToList();
            var text = string.Join("\n", lines);
            if (!keepArchitectures) text = System.Text.RegularExpressions.Regex.Replace(text, "\"architectures\": \\[[^\\]]*\\],", "");
            File.WriteAllText(Path.Combine(folder, "config.json"), text);
            File.Copy(Path.Combine(FamilyFixture.PathOf(fixture), "model.safetensors"), Path.Combine(folder, "model.safetensors"));
            return folder;
        }

        // Google's BERT miniatures ship such configs; Hugging Face's AutoConfig matches the name.
        var miniature = Without("bert", "bert_uncased_L-2_H-128_A-2", keepArchitectures: false);
        var parameters = TransformerParameters.FromPretrained(miniature, HeadKinds.Groups(HeadKind.None, ModelFamily.Bert), out _);
        Assert.Equal(ModelFamily.Bert, parameters.Config.Family);
        Assert.Equal(ModelFamily.DistilBert, TransformerConfigReader.Read(Path.Combine(Without("distilbert", "my-distilbert-copy", false), "config.json")).Family);
        Assert.Equal(ModelFamily.Roberta, TransformerConfigReader.Read(Path.Combine(Without("roberta", "model-a", true), "config.json")).Family);
        var error = Assert.Throws<InvalidDataException>(() => TransformerConfigReader.Read(Path.Combine(Without("gpt2", "model-b", false), "config.json")));
        Assert.Contains("missing required field 'model_type'", error.Message);
    }

    private static double Std(ReadOnlySpan<float> values)
    {
        double sum = 0, squares = 0;
        foreach (var v in values) (sum, squares) = (sum + v, squares + (double)v * v);
        var mean = sum / values.Length;
        return Math.Sqrt(squares / values.Length - mean * mean);
    }

    // Copies config.json and rewrites the (single or sharded) weights as one F32 model.safetensors without `dropped`.
    internal static void CopyWithout(string source, string target, string dropped)
    {
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(target, "config.json"));
        using var folder = CheckpointFolder.Open(source);
        var tensors = folder.TensorNames.Where(n => n != dropped && SafetensorsDTypes.IsReadable(folder.Info(n).DType))
            .Select(n => new SafetensorsTensor(n, folder.Info(n).Shape, folder.FileOf(n).ReadFloat32(n))).ToList();
        Assert.True(folder.Contains(dropped), $"{source} has no tensor {dropped}");
        SafetensorsWriter.Write(Path.Combine(target, "model.safetensors"), tensors);
    }
}
