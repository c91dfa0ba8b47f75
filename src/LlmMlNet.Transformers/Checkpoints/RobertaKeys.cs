// RoBERTa's checkpoint vocabulary: BERT's encoder rows under "roberta.", plus RoBERTa's own heads
// (lm_head.*, classifier.dense / classifier.out_proj). Data only.
using static LlmMlNet.Transformers.Checkpoints.KeyGroup;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Key table of RoBERTa.</summary>
internal static class RobertaKeys
{
    /// <summary>The RoBERTa table.</summary>
    public static KeyTable Table { get; } = new(
        ModelFamily.Roberta,
        Prefix: "roberta.",
        Entries:
        [
            .. BertKeys.BertLayoutEncoder("roberta."),
            new("lm_head.dense.weight", "mlm.dense.weight", "hidden,hidden", MaskedLm),
            new("lm_head.dense.bias", "mlm.dense.bias", "hidden", MaskedLm),
            new("lm_head.layer_norm.weight", "mlm.norm.weight", "hidden", MaskedLm),
            new("lm_head.layer_norm.bias", "mlm.norm.bias", "hidden", MaskedLm),
            new("lm_head.bias", "mlm.bias", "vocab", MaskedLm),
            // RobertaClassificationHead on <s>: dropout → dense → tanh → dropout → out_proj.
            new("classifier.dense.weight", "classifier.dense.weight", "hidden,hidden", Classification),
            new("classifier.dense.bias", "classifier.dense.bias", "hidden", Classification),
            new("classifier.out_proj.weight", "classifier.out.weight", "labels,hidden", Classification),
            new("classifier.out_proj.bias", "classifier.out.bias", "labels", Classification),
            new("qa_outputs.weight", "qa.weight", "2,hidden", QuestionAnswering),
            new("qa_outputs.bias", "qa.bias", "2", QuestionAnswering),
        ],
        IgnoredSuffixes: ["embeddings.position_ids"],
        TiedKeys: ["lm_head.decoder.weight"],
        Aliases: new Dictionary<string, string> { ["lm_head.decoder.bias"] = "lm_head.bias" },
        Renames: BertKeys.LayerNormRenames);
}
