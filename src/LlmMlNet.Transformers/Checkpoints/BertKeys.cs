// BERT's checkpoint vocabulary (BertModel / BertForMaskedLM / ...ForSequenceClassification /
// ...ForQuestionAnswering): Hugging Face key ↔ our parameter, shape, head. Data only. The encoder rows
// are shared with RoBERTa, which differs in prefix and heads (RobertaKeys).
using static LlmMlNet.Transformers.Checkpoints.KeyGroup;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Key table of BERT.</summary>
internal static class BertKeys
{
    /// <summary>Encoder and pooler rows of a BERT-layout model under <paramref name="prefix"/> ("bert." or "roberta.").</summary>
    public static IEnumerable<KeyEntry> BertLayoutEncoder(string prefix) =>
    [
        new(prefix + "embeddings.word_embeddings.weight", "embeddings.word", "vocab,hidden", Encoder),
        new(prefix + "embeddings.position_embeddings.weight", "embeddings.position", "positions,hidden", Encoder),
        new(prefix + "embeddings.token_type_embeddings.weight", "embeddings.token_type", "types,hidden", Encoder),
        new(prefix + "embeddings.LayerNorm.weight", "embeddings.norm.weight", "hidden", Encoder),
        new(prefix + "embeddings.LayerNorm.bias", "embeddings.norm.bias", "hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.self.query.weight", "layers.{i}.attention.query.weight", "hidden,hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.self.query.bias", "layers.{i}.attention.query.bias", "hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.self.key.weight", "layers.{i}.attention.key.weight", "hidden,hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.self.key.bias", "layers.{i}.attention.key.bias", "hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.self.value.weight", "layers.{i}.attention.value.weight", "hidden,hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.self.value.bias", "layers.{i}.attention.value.bias", "hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.output.dense.weight", "layers.{i}.attention.output.weight", "hidden,hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.output.dense.bias", "layers.{i}.attention.output.bias", "hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.output.LayerNorm.weight", "layers.{i}.attention_norm.weight", "hidden", Encoder),
        new(prefix + "encoder.layer.{i}.attention.output.LayerNorm.bias", "layers.{i}.attention_norm.bias", "hidden", Encoder),
        new(prefix + "encoder.layer.{i}.intermediate.dense.weight", "layers.{i}.ffn.up.weight", "ffn,hidden", Encoder),
        new(prefix + "encoder.layer.{i}.intermediate.dense.bias", "layers.{i}.ffn.up.bias", "ffn", Encoder),
        new(prefix + "encoder.layer.{i}.output.dense.weight", "layers.{i}.ffn.down.weight", "hidden,ffn", Encoder),
        new(prefix + "encoder.layer.{i}.output.dense.bias", "layers.{i}.ffn.down.bias", "hidden", Encoder),
        new(prefix + "encoder.layer.{i}.output.LayerNorm.weight", "layers.{i}.ffn_norm.weight", "hidden", Encoder),
        new(prefix + "encoder.layer.{i}.output.LayerNorm.bias", "layers.{i}.ffn_norm.bias", "hidden", Encoder),
        new(prefix + "pooler.dense.weight", "pooler.dense.weight", "hidden,hidden", Pooler),
        new(prefix + "pooler.dense.bias", "pooler.dense.bias", "hidden", Pooler),
    ];

    /// <summary>Old TensorFlow-converted checkpoints name LayerNorm parameters gamma/beta; Hugging Face renames them.</summary>
    public static readonly IReadOnlyDictionary<string, string> LayerNormRenames = new Dictionary<string, string>
    {
        ["LayerNorm.gamma"] = "LayerNorm.weight",
        ["LayerNorm.beta"] = "LayerNorm.bias",
    };

    /// <summary>The BERT table.</summary>
    public static KeyTable Table { get; } = new(
        ModelFamily.Bert,
        Prefix: "bert.",
        Entries:
        [
            .. BertLayoutEncoder("bert."),
            new("cls.predictions.transform.dense.weight", "mlm.dense.weight", "hidden,hidden", MaskedLm),
            new("cls.predictions.transform.dense.bias", "mlm.dense.bias", "hidden", MaskedLm),
            new("cls.predictions.transform.LayerNorm.weight", "mlm.norm.weight", "hidden", MaskedLm),
            new("cls.predictions.transform.LayerNorm.bias", "mlm.norm.bias", "hidden", MaskedLm),
            new("cls.predictions.bias", "mlm.bias", "vocab", MaskedLm),
            // BertForSequenceClassification: pooler → dropout → classifier.
            new("classifier.weight", "classifier.out.weight", "labels,hidden", Classification),
            new("classifier.bias", "classifier.out.bias", "labels", Classification),
            new("qa_outputs.weight", "qa.weight", "2,hidden", QuestionAnswering),
            new("qa_outputs.bias", "qa.bias", "2", QuestionAnswering),
        ],
        IgnoredSuffixes: ["embeddings.position_ids"],
        TiedKeys: ["cls.predictions.decoder.weight"],
        Aliases: new Dictionary<string, string> { ["cls.predictions.decoder.bias"] = "cls.predictions.bias" },
        Renames: LayerNormRenames);
}
