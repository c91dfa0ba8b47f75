// DistilBERT's checkpoint vocabulary (its own names: q_lin, sa_layer_norm, vocab_projector, ...).
// Data only. DistilBERT has no token types and no pooler; its sinusoidal position table, when used,
// is stored in the checkpoint like a learned one.
using static LlmMlNet.Transformers.Checkpoints.KeyGroup;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Key table of DistilBERT.</summary>
internal static class DistilBertKeys
{
    private const string Block = "distilbert.transformer.layer.{i}.";

    /// <summary>The DistilBERT table.</summary>
    public static KeyTable Table { get; } = new(
        ModelFamily.DistilBert,
        Prefix: "distilbert.",
        Entries:
        [
            new("distilbert.embeddings.word_embeddings.weight", "embeddings.word", "vocab,hidden", Encoder),
            new("distilbert.embeddings.position_embeddings.weight", "embeddings.position", "positions,hidden", Encoder),
            new("distilbert.embeddings.LayerNorm.weight", "embeddings.norm.weight", "hidden", Encoder),
            new("distilbert.embeddings.LayerNorm.bias", "embeddings.norm.bias", "hidden", Encoder),
            new(Block + "attention.q_lin.weight", "layers.{i}.attention.query.weight", "hidden,hidden", Encoder),
            new(Block + "attention.q_lin.bias", "layers.{i}.attention.query.bias", "hidden", Encoder),
            new(Block + "attention.k_lin.weight", "layers.{i}.attention.key.weight", "hidden,hidden", Encoder),
            new(Block + "attention.k_lin.bias", "layers.{i}.attention.key.bias", "hidden", Encoder),
            new(Block + "attention.v_lin.weight", "layers.{i}.attention.value.weight", "hidden,hidden", Encoder),
            new(Block + "attention.v_lin.bias", "layers.{i}.attention.value.bias", "hidden", Encoder),
            new(Block + "attention.out_lin.weight", "layers.{i}.attention.output.weight", "hidden,hidden", Encoder),
            new(Block + "attention.out_lin.bias", "layers.{i}.attention.output.bias", "hidden", Encoder),
            new(Block + "sa_layer_norm.weight", "layers.{i}.attention_norm.weight", "hidden", Encoder),
            new(Block + "sa_layer_norm.bias", "layers.{i}.attention_norm.bias", "hidden", Encoder),
            new(Block + "ffn.lin1.weight", "layers.{i}.ffn.up.weight", "ffn,hidden", Encoder),
            new(Block + "ffn.lin1.bias", "layers.{i}.ffn.up.bias", "ffn", Encoder),
            new(Block + "ffn.lin2.weight", "layers.{i}.ffn.down.weight", "hidden,ffn", Encoder),
            new(Block + "ffn.lin2.bias", "layers.{i}.ffn.down.bias", "hidden", Encoder),
            new(Block + "output_layer_norm.weight", "layers.{i}.ffn_norm.weight", "hidden", Encoder),
            new(Block + "output_layer_norm.bias", "layers.{i}.ffn_norm.bias", "hidden", Encoder),
            new("vocab_transform.weight", "mlm.dense.weight", "hidden,hidden", MaskedLm),
            new("vocab_transform.bias", "mlm.dense.bias", "hidden", MaskedLm),
            new("vocab_layer_norm.weight", "mlm.norm.weight", "hidden", MaskedLm),
            new("vocab_layer_norm.bias", "mlm.norm.bias", "hidden", MaskedLm),
            new("vocab_projector.bias", "mlm.bias", "vocab", MaskedLm),
            // DistilBertForSequenceClassification: [CLS] → pre_classifier → ReLU → dropout → classifier.
            new("pre_classifier.weight", "classifier.dense.weight", "hidden,hidden", Classification),
            new("pre_classifier.bias", "classifier.dense.bias", "hidden", Classification),
            new("classifier.weight", "classifier.out.weight", "labels,hidden", Classification),
            new("classifier.bias", "classifier.out.bias", "labels", Classification),
            new("qa_outputs.weight", "qa.weight", "2,hidden", QuestionAnswering),
            new("qa_outputs.bias", "qa.bias", "2", QuestionAnswering),
        ],
        IgnoredSuffixes: ["embeddings.position_ids"],
        TiedKeys: ["vocab_projector.weight"],
        Aliases: new Dictionary<string, string>(),
        Renames: BertKeys.LayerNormRenames);
}
