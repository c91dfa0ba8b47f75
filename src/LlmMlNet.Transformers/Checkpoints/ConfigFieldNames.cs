// Which config.json field holds each hyper-parameter, per family: BERT and RoBERTa share names,
// DistilBERT and GPT-2 have their own. Data only, used by both the reader and the writer; a null
// name means the family has no such field (its fixed value is documented in TransformerConfig).
namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>The config.json field names of one family (null: the family has no such field).</summary>
internal sealed record ConfigFieldNames(
    string HiddenSize, string NumLayers, string NumHeads, string? IntermediateSize, string Activation,
    string? LayerNormEps, string MaxPositions, string? TypeVocabSize, string HiddenDropout, string AttentionDropout,
    string? EmbeddingDropout, string? ClassifierDropout, string? QaDropout)
{
    private static readonly ConfigFieldNames BertLike = new(
        HiddenSize: "hidden_size", NumLayers: "num_hidden_layers", NumHeads: "num_attention_heads",
        IntermediateSize: "intermediate_size", Activation: "hidden_act", LayerNormEps: "layer_norm_eps",
        MaxPositions: "max_position_embeddings", TypeVocabSize: "type_vocab_size",
        HiddenDropout: "hidden_dropout_prob", AttentionDropout: "attention_probs_dropout_prob",
        EmbeddingDropout: null, ClassifierDropout: "classifier_dropout", QaDropout: null);

    private static readonly ConfigFieldNames DistilBert = new(
        HiddenSize: "dim", NumLayers: "n_layers", NumHeads: "n_heads", IntermediateSize: "hidden_dim",
        Activation: "activation", LayerNormEps: null, MaxPositions: "max_position_embeddings", TypeVocabSize: null,
        HiddenDropout: "dropout", AttentionDropout: "attention_dropout", EmbeddingDropout: null,
        ClassifierDropout: "seq_classif_dropout", QaDropout: "qa_dropout");

    private static readonly ConfigFieldNames Gpt2 = new(
        HiddenSize: "n_embd", NumLayers: "n_layer", NumHeads: "n_head", IntermediateSize: "n_inner",
        Activation: "activation_function", LayerNormEps: "layer_norm_epsilon", MaxPositions: "n_positions",
        TypeVocabSize: null, HiddenDropout: "resid_pdrop", AttentionDropout: "attn_pdrop",
        EmbeddingDropout: "embd_pdrop", ClassifierDropout: "classifier_dropout", QaDropout: null);

    /// <summary>The names used by <paramref name="family"/>.</summary>
    public static ConfigFieldNames For(ModelFamily family) => family switch
    {
        ModelFamily.Bert or ModelFamily.Roberta => BertLike,
        ModelFamily.DistilBert => DistilBert,
        ModelFamily.Gpt2 => Gpt2,
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };
}
