# The tiny random checkpoints make_parity_fixtures.py writes: weights in Hugging Face's key names for
# BERT, RoBERTa, DistilBERT and GPT-2 (GPT-2's Conv1D stored [in, out]), and config.json contents with
# HF's field names per family. Sizes are fixed below; values come from seeded generators.
import torch

import hf_reference as ref

V, C, L, H, FFN, P, LABELS = 48, 16, 2, 4, 40, 20, 3
VERSION = "4.46.0"


# ----------------------------------------------------------------------------------------------- weights
class Init:
    """Random weights with a fixed generator: matrices N(0, 0.35), embeddings N(0, 1), LayerNorm gains 1 + N(0, 0.1), biases N(0, 0.1)."""

    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)

    def n(self, *shape, std=1.0, mean=0.0):
        return torch.randn(*shape, generator=self.g) * std + mean

    def linear(self, sd, name, out_dim, in_dim, bias=True, conv1d=False):
        sd[name + ".weight"] = self.n(in_dim, out_dim, std=0.35) if conv1d else self.n(out_dim, in_dim, std=0.35)
        if bias:
            sd[name + ".bias"] = self.n(out_dim, std=0.1)

    def norm(self, sd, name, dim=C, gamma_beta=False):
        w, b = ("gamma", "beta") if gamma_beta else ("weight", "bias")
        sd[f"{name}.{w}"] = self.n(dim, std=0.1, mean=1.0)
        sd[f"{name}.{b}"] = self.n(dim, std=0.1)


def bert_like_weights(init, prefix, positions, type_vocab):
    sd = {}
    sd[prefix + "embeddings.word_embeddings.weight"] = init.n(V, C)
    sd[prefix + "embeddings.position_embeddings.weight"] = init.n(positions, C)
    sd[prefix + "embeddings.token_type_embeddings.weight"] = init.n(type_vocab, C)
    init.norm(sd, prefix + "embeddings.LayerNorm")
    for i in range(L):
        layer = f"{prefix}encoder.layer.{i}."
        for name in ("query", "key", "value"):
            init.linear(sd, layer + "attention.self." + name, C, C)
        init.linear(sd, layer + "attention.output.dense", C, C)
        init.norm(sd, layer + "attention.output.LayerNorm")
        init.linear(sd, layer + "intermediate.dense", FFN, C)
        init.linear(sd, layer + "output.dense", C, FFN)
        init.norm(sd, layer + "output.LayerNorm")
    init.linear(sd, prefix + "pooler.dense", C, C)
    return sd


def bert_weights(init):
    sd = bert_like_weights(init, "bert.", P, 2)
    init.linear(sd, "cls.predictions.transform.dense", C, C)
    init.norm(sd, "cls.predictions.transform.LayerNorm")
    sd["cls.predictions.bias"] = init.n(V, std=0.1)
    init.linear(sd, "classifier", LABELS, C)
    init.linear(sd, "qa_outputs", 2, C)
    return sd


def roberta_weights(init):
    sd = bert_like_weights(init, "roberta.", P + 2, 1)
    init.linear(sd, "lm_head.dense", C, C)
    init.norm(sd, "lm_head.layer_norm")
    sd["lm_head.bias"] = init.n(V, std=0.1)
    init.linear(sd, "classifier.dense", C, C)
    init.linear(sd, "classifier.out_proj", LABELS, C)
    init.linear(sd, "qa_outputs", 2, C)
    return sd


def distilbert_weights(init, sinusoidal):
    sd, p = {}, "distilbert."
    sd[p + "embeddings.word_embeddings.weight"] = init.n(V, C)
    sd[p + "embeddings.position_embeddings.weight"] = ref.sinusoidal_table(P, C) if sinusoidal else init.n(P, C)
    init.norm(sd, p + "embeddings.LayerNorm")
    for i in range(L):
        layer = f"{p}transformer.layer.{i}."
        for name in ("q_lin", "k_lin", "v_lin", "out_lin"):
            init.linear(sd, layer + "attention." + name, C, C)
        init.norm(sd, layer + "sa_layer_norm")
        init.linear(sd, layer + "ffn.lin1", FFN, C)
        init.linear(sd, layer + "ffn.lin2", C, FFN)
        init.norm(sd, layer + "output_layer_norm")
    init.linear(sd, "vocab_transform", C, C)
    init.norm(sd, "vocab_layer_norm")
    sd["vocab_projector.bias"] = init.n(V, std=0.1)
    init.linear(sd, "pre_classifier", C, C)
    init.linear(sd, "classifier", LABELS, C)
    init.linear(sd, "qa_outputs", 2, C)
    return sd


def gpt2_weights(init):
    sd, p = {}, "transformer."
    sd[p + "wte.weight"] = init.n(V, C)
    sd[p + "wpe.weight"] = init.n(P, C)
    for i in range(L):
        layer = f"{p}h.{i}."
        init.norm(sd, layer + "ln_1")
        init.linear(sd, layer + "attn.c_attn", 3 * C, C, conv1d=True)
        init.linear(sd, layer + "attn.c_proj", C, C, conv1d=True)
        init.norm(sd, layer + "ln_2")
        init.linear(sd, layer + "mlp.c_fc", FFN, C, conv1d=True)
        init.linear(sd, layer + "mlp.c_proj", C, FFN, conv1d=True)
    init.norm(sd, p + "ln_f")
    sd["score.weight"] = init.n(LABELS, C, std=0.35)
    init.linear(sd, "qa_outputs", 2, C)
    return sd


# ----------------------------------------------------------------------------------------------- configs
def labels_fields():
    return {"id2label": {str(i): f"LABEL_{i}" for i in range(LABELS)}, "label2id": {f"LABEL_{i}": i for i in range(LABELS)}}


def bert_config(architectures, act="gelu", dtype="float32"):
    return {"architectures": architectures, "attention_probs_dropout_prob": 0.1, "classifier_dropout": None, "hidden_act": act,
            "hidden_dropout_prob": 0.1, "hidden_size": C, "initializer_range": 0.02, "intermediate_size": FFN,
            "layer_norm_eps": 1e-12, "max_position_embeddings": P, "model_type": "bert", "num_attention_heads": H,
            "num_hidden_layers": L, "pad_token_id": 0, "position_embedding_type": "absolute", "torch_dtype": dtype,
            "transformers_version": VERSION, "type_vocab_size": 2, "use_cache": True, "vocab_size": V, **labels_fields()}


def roberta_config(architectures, act="gelu", dtype="float32"):
    cfg = bert_config(architectures, act=act, dtype=dtype)
    cfg.update({"model_type": "roberta", "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1, "layer_norm_eps": 1e-5,
                "max_position_embeddings": P + 2, "type_vocab_size": 1})
    return cfg


def distilbert_config(architectures, act="gelu", sinusoidal=False, dtype="float32"):
    return {"activation": act, "architectures": architectures, "attention_dropout": 0.1, "dim": C, "dropout": 0.1,
            "hidden_dim": FFN, "initializer_range": 0.02, "max_position_embeddings": P, "model_type": "distilbert",
            "n_heads": H, "n_layers": L, "pad_token_id": 0, "qa_dropout": 0.1, "seq_classif_dropout": 0.2,
            "sinusoidal_pos_embds": sinusoidal, "tie_weights_": True, "torch_dtype": dtype, "transformers_version": VERSION,
            "vocab_size": V, **labels_fields()}


def gpt2_config(architectures, pad=True, dtype="float32"):
    cfg = {"activation_function": "gelu_new", "architectures": architectures, "attn_pdrop": 0.1, "bos_token_id": V - 1,
           "embd_pdrop": 0.1, "eos_token_id": V - 1, "initializer_range": 0.02, "layer_norm_epsilon": 1e-5,
           "model_type": "gpt2", "n_ctx": P, "n_embd": C, "n_head": H, "n_inner": FFN, "n_layer": L, "n_positions": P,
           "reorder_and_upcast_attn": False, "resid_pdrop": 0.1, "scale_attn_by_inverse_layer_idx": False,
           "scale_attn_weights": True, "summary_activation": None, "summary_first_dropout": 0.1,
           "summary_proj_to_labels": True, "summary_type": "cls_index", "summary_use_proj": True, "torch_dtype": dtype,
           "transformers_version": VERSION, "use_cache": True, "vocab_size": V, **labels_fields()}
    if pad:
        cfg["pad_token_id"] = V - 1
    return cfg
