// config.json reading for all four families (field names, defaults, GPT-2's null n_inner), errors that
// name the file and field, the writer's round trip, and the size presets.
using LlmMlNet.Transformers.Checkpoints;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

public sealed class TransformerConfigTests
{
    [Fact]
    public void ReadsTheBertFixture()
    {
        var config = TransformerConfigReader.Read(TestSupport.RepoPaths.Fixture("parity", "bert-tiny-random", "config.json"));
        Assert.Equal(ModelFamily.Bert, config.Family);
        Assert.Equal((1000, 64, 2, 4, 128, 128, 2), (config.VocabSize, config.HiddenSize, config.NumLayers, config.NumHeads,
            config.IntermediateSize, config.MaxPositions, config.TypeVocabSize));
        Assert.Equal(HiddenActivation.Gelu, config.Activation);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal(["LABEL_0", "LABEL_1", "LABEL_2"], config.Labels);
        Assert.Equal(0, config.PadTokenId);
        Assert.Equal(0.0, config.EffectiveClassifierDropout);
    }

    [Fact]
    public void ReadsTheGpt2FixtureWithNullInnerAsFourTimesWidth()
    {
        var config = TransformerConfigReader.Read(TestSupport.RepoPaths.Fixture("parity", "gpt2-tiny-random", "config.json"));
        Assert.Equal(ModelFamily.Gpt2, config.Family);
        Assert.Equal((457, 64, 2, 4, 256, 128, 0), (config.VocabSize, config.HiddenSize, config.NumLayers, config.NumHeads,
            config.IntermediateSize, config.MaxPositions, config.TypeVocabSize));
        Assert.Equal(HiddenActivation.GeluTanh, config.Activation);
        Assert.Equal(1e-5, config.LayerNormEps);
        Assert.Null(config.PadTokenId);
        Assert.Equal(456, config.EosTokenId);
        Assert.True(config.ScaleAttentionWeights);
    }

    [Fact]
    public void ReadsDistilBertFieldNames()
    {
        const string json = """
            {"model_type":"distilbert","vocab_size":100,"dim":32,"n_layers":3,"n_heads":4,"hidden_dim":64,
             "activation":"relu","max_position_embeddings":40,"sinusoidal_pos_embds":true,"dropout":0.05,
             "attention_dropout":0.02,"qa_dropout":0.3,"seq_classif_dropout":0.25,"pad_token_id":0,"num_labels":5}
            """;
        var config = TransformerConfigReader.Parse(json, "distil.json");
        Assert.Equal((32, 3, 4, 64, 40), (config.HiddenSize, config.NumLayers, config.NumHeads, config.IntermediateSize, config.MaxPositions));
        Assert.Equal(HiddenActivation.Relu, config.Activation);
        Assert.True(config.SinusoidalPositions);
        Assert.Equal((0.05, 0.02, 0.3, 0.25), (config.HiddenDropout, config.AttentionDropout, config.QaDropout, config.EffectiveClassifierDropout));
        Assert.Equal(5, config.NumLabels);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal(0, config.TypeVocabSize);
    }

    [Fact]
    public void RobertaPositionOffsetComesFromPadTokenId()
    {
        const string json = """
            {"model_type":"roberta","vocab_size":50,"hidden_size":16,"num_hidden_layers":1,"num_attention_heads":2,
             "intermediate_size":32,"max_position_embeddings":514,"type_vocab_size":1,"layer_norm_eps":1e-5,"pad_token_id":1}
            """;
        var config = TransformerConfigReader.Parse(json, "roberta.json");
        Assert.Equal(2, config.PositionOffset);
        Assert.Equal(1e-5, config.LayerNormEps);
    }

    [Theory]
    [InlineData("hidden_size", "\"hidden_size\":16,", "", "missing required field 'hidden_size'")]
    [InlineData("num_attention_heads", "\"num_attention_heads\":2", "\"num_attention_heads\":\"two\"", "field 'num_attention_heads' must be an integer")]
    [InlineData("hidden_act", "\"hidden_act\":\"gelu\"", "\"hidden_act\":\"mish\"", "field 'hidden_act' is 'mish'")]
    [InlineData("num_attention_heads", "\"num_attention_heads\":2", "\"num_attention_heads\":3", "must divide 'hidden_size'")]
    [InlineData("layer_norm_eps", "\"layer_norm_eps\":1e-12", "\"layer_norm_eps\":[1]", "field 'layer_norm_eps' must be a number")]
    [InlineData("model_type", "\"model_type\":\"bert\"", "\"model_type\":\"t5\"", "field 'model_type' is 't5'")]
    public void BadFieldsNameFileAndField(string field, string replace, string with, string expected)
    {
        const string json = """
            {"model_type":"bert","vocab_size":50,"hidden_size":16,"num_hidden_layers":1,"num_attention_heads":2,
             "intermediate_size":32,"max_position_embeddings":64,"hidden_act":"gelu","layer_norm_eps":1e-12}
            """;
        Assert.Contains(replace, json);
        var error = Assert.Throws<InvalidDataException>(() => TransformerConfigReader.Parse(json.Replace(replace, with), "cfg/config.json"));
        Assert.StartsWith("cfg/config.json:", error.Message);
        Assert.Contains(field, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("bert-tiny-random")]
    [InlineData("gpt2-tiny-random")]
    public void WriterRoundTripsEveryFieldAndKeepsExtras(string fixture)
    {
        var original = TransformerConfigReader.Read(TestSupport.RepoPaths.Fixture("parity", fixture, "config.json"));
        var text = TransformerConfigWriter.ToJson(original);
        var reread = TransformerConfigReader.Parse(text, "written");
        Assert.Equal(original with { ExtraFields = reread.ExtraFields, Labels = reread.Labels }, reread);
        Assert.Equal(original.Labels, reread.Labels);
        Assert.Equal(original.ExtraFields.Keys.OrderBy(k => k), reread.ExtraFields.Keys.OrderBy(k => k));
        Assert.Contains("\"transformers_version\": \"4.19.0\"", text);
    }

    [Theory]
    [InlineData("tiny", 2, 128, 2, 512)]
    [InlineData("mini", 4, 256, 4, 1024)]
    [InlineData("small", 4, 512, 8, 2048)]
    [InlineData("medium", 8, 512, 8, 2048)]
    [InlineData("base", 12, 768, 12, 3072)]
    public void PresetsMatchTheBertMiniatures(string name, int layers, int hidden, int heads, int ffn)
    {
        var config = SizePresets.Create(name, ModelFamily.Bert);
        Assert.Equal((layers, hidden, heads, ffn, 30522, 512), (config.NumLayers, config.HiddenSize, config.NumHeads,
            config.IntermediateSize, config.VocabSize, config.MaxPositions));
        Assert.Equal(514, SizePresets.Create(name, ModelFamily.Roberta, vocabSize: 50265).MaxPositions);
        Assert.Equal(50257, SizePresets.Create(name, ModelFamily.Gpt2, vocabSize: 50257).VocabSize);
    }

    [Fact]
    public void UnknownPresetListsTheValidNames() =>
        Assert.Contains("tiny, mini, small, medium, base",
            Assert.Throws<ArgumentException>(() => SizePresets.Create("huge", ModelFamily.Bert)).Message);
}
