// GPT-2's checkpoint vocabulary. Its Conv1D weights are stored [in, out] and are transposed to our
// [out, in] Linear layout; c_attn holds Q, K and V side by side and is split into three. The LM head
// is tied to wte and has no parameters of its own. Data only.
using static LlmMlNet.Transformers.Checkpoints.KeyGroup;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Key table of GPT-2.</summary>
internal static class Gpt2Keys
{
    private const string Block = "transformer.h.{i}.";

    /// <summary>The GPT-2 table.</summary>
    public static KeyTable Table { get; } = new(
        ModelFamily.Gpt2,
        Prefix: "transformer.",
        Entries:
        [
            new("transformer.wte.weight", "embeddings.word", "vocab,hidden", Encoder),
            new("transformer.wpe.weight", "embeddings.position", "positions,hidden", Encoder),
            new(Block + "ln_1.weight", "layers.{i}.attention_norm.weight", "hidden", Encoder),
            new(Block + "ln_1.bias", "layers.{i}.attention_norm.bias", "hidden", Encoder),
            new(Block + "attn.c_attn.weight", "layers.{i}.attention.query.weight", "hidden,hidden", Encoder, Transpose: true, SplitIndex: 0, SplitCount: 3),
            new(Block + "attn.c_attn.weight", "layers.{i}.attention.key.weight", "hidden,hidden", Encoder, Transpose: true, SplitIndex: 1, SplitCount: 3),
            new(Block + "attn.c_attn.weight", "layers.{i}.attention.value.weight", "hidden,hidden", Encoder, Transpose: true, SplitIndex: 2, SplitCount: 3),
            new(Block + "attn.c_attn.bias", "layers.{i}.attention.query.bias", "hidden", Encoder, SplitIndex: 0, SplitCount: 3),
            new(Block + "attn.c_attn.bias", "layers.{i}.attention.key.bias", "hidden", Encoder, SplitIndex: 1, SplitCount: 3),
            new(Block + "attn.c_attn.bias", "layers.{i}.attention.value.bias", "hidden", Encoder, SplitIndex: 2, SplitCount: 3),
            new(Block + "attn.c_proj.weight", "layers.{i}.attention.output.weight", "hidden,hidden", Encoder, Transpose: true),
            new(Block + "attn.c_proj.bias", "layers.{i}.attention.output.bias", "hidden", Encoder),
            new(Block + "ln_2.weight", "layers.{i}.ffn_norm.weight", "hidden", Encoder),
            new(Block + "ln_2.bias", "layers.{i}.ffn_norm.bias", "hidden", Encoder),
            new(Block + "mlp.c_fc.weight", "layers.{i}.ffn.up.weight", "ffn,hidden", Encoder, Transpose: true),
            new(Block + "mlp.c_fc.bias", "layers.{i}.ffn.up.bias", "ffn", Encoder),
            new(Block + "mlp.c_proj.weight", "layers.{i}.ffn.down.weight", "hidden,ffn", Encoder, Transpose: true),
            new(Block + "mlp.c_proj.bias", "layers.{i}.ffn.down.bias", "hidden", Encoder),
            new("transformer.ln_f.weight", "final_norm.weight", "hidden", Encoder),
            new("transformer.ln_f.bias", "final_norm.bias", "hidden", Encoder),
            // GPT2ForSequenceClassification's score is an nn.Linear without bias, on the last non-pad token.
            new("score.weight", "classifier.out.weight", "labels,hidden", Classification),
            new("qa_outputs.weight", "qa.weight", "2,hidden", QuestionAnswering),
            new("qa_outputs.bias", "qa.bias", "2", QuestionAnswering),
        ],
        IgnoredSuffixes: ["attn.bias", "attn.masked_bias"],
        TiedKeys: ["lm_head.weight"],
        Aliases: new Dictionary<string, string>(),
        Renames: new Dictionary<string, string>());
}
