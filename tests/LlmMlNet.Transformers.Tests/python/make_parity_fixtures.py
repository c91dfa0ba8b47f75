# Generates tests/LlmMlNet.Transformers.Tests/Fixtures/families/: tiny random checkpoints of BERT,
# RoBERTa, DistilBERT and GPT-2 in Hugging Face's layouts (config.json with HF's field names,
# model.safetensors / shards / pytorch_model.bin), in F32, F16 and BF16 and in older key layouts,
# each with expected.json: padded inputs and the outputs of hf_reference.py (HF's forwards in plain
# PyTorch, eval mode) computed from the weights exactly as stored (F16/BF16 upcast to float32).
#   /usr/bin/python3 make_parity_fixtures.py            writes the fixtures (deterministic)
#   /usr/bin/python3 make_parity_fixtures.py --check-saved DIR --fixture NAME
#                                                       checks a folder our CheckpointSaver wrote: HF key
#                                                       names and shapes, and outputs equal to NAME's
# The tests read the committed files only; Python is needed only to regenerate or to check a save.
import argparse
import json
import os
import shutil
import sys

import torch

import hf_reference as ref
import safetensors_io as st
from fixture_checkpoints import (C, L, P, V, Init, bert_config, bert_weights, distilbert_config, distilbert_weights,
                                 gpt2_config, gpt2_weights, roberta_config, roberta_weights)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "Fixtures", "families"))
PREFIX = {"bert": "bert.", "roberta": "roberta.", "distilbert": "distilbert.", "gpt2": "transformer."}
HEAD_PREFIXES = ("cls.", "lm_head.", "classifier.", "pre_classifier.", "vocab_", "qa_outputs.", "score.")
BUFFERS = ("position_ids", "attn.bias", "attn.masked_bias")
TIED = {"cls.predictions.decoder.weight", "lm_head.decoder.weight", "vocab_projector.weight", "lm_head.weight"}
ALIASES = {"cls.predictions.decoder.bias": "cls.predictions.bias", "lm_head.decoder.bias": "lm_head.bias"}


# ----------------------------------------------------------------------------------------------- inputs
def padded_batch(lengths, t, first, last, pad, low, seed, left=False):
    """[B, t] ids: first + random ids in [low, V - 1) + last, padded with pad (right, or left); and the mask."""
    g = torch.Generator().manual_seed(seed)
    ids, mask = torch.full((len(lengths), t), pad, dtype=torch.long), torch.zeros(len(lengths), t, dtype=torch.long)
    for b, n in enumerate(lengths):
        row = torch.randint(low, V - 1, (n,), generator=g)
        if first is not None:
            row[0] = first
        if last is not None:
            row[-1] = last
        span = slice(t - n, t) if left else slice(0, n)
        ids[b, span], mask[b, span] = row, 1
    return ids, mask


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(f"{v:.7g}") for v in t.detach().reshape(-1).tolist()]}


# ----------------------------------------------------------------------------------------------- canonical keys
def canonicalize(raw, family):
    """What HF's from_pretrained makes of stored keys: gamma/beta renamed, base prefix added, buffers and tied copies dropped, float32."""
    prefix, out = PREFIX[family], {}
    for key, value in raw.items():
        for old, new in (("LayerNorm.gamma", "LayerNorm.weight"), ("LayerNorm.beta", "LayerNorm.bias")):
            if key.endswith(old):
                key = key[: -len(old)] + new
        if key in BUFFERS or key.endswith(tuple("." + b for b in BUFFERS)) or key in TIED:
            continue
        if not key.startswith(prefix) and not key.startswith(HEAD_PREFIXES):
            key = prefix + key
        if key in ALIASES:
            out.setdefault(ALIASES[key], value.float())
            continue
        out[key] = value.float()
    return out


# ----------------------------------------------------------------------------------------------- outputs
def encoder_outputs(family, sd, cfg, inputs):
    ids, mask, types = inputs["input_ids"], inputs["attention_mask"], inputs.get("token_type_ids")
    out = {}
    if family == "distilbert":
        hidden = ref.distilbert_encoder(sd, cfg, ids, mask)
        pooled = None
    else:
        hidden, pooled = ref.bert_encoder(sd, cfg, ids, mask, types, PREFIX[family], roberta=family == "roberta")
    out["last_hidden_state"] = hidden
    if pooled is not None:
        out["pooler_output"] = pooled
    if family == "bert":
        if "cls.predictions.bias" in sd:
            out["mlm_logits"] = ref.bert_mlm_logits(sd, cfg, hidden)
        if "classifier.weight" in sd:
            out["classifier_logits"] = ref.bert_classifier_logits(sd, pooled)
    elif family == "roberta":
        if "lm_head.bias" in sd:
            out["mlm_logits"] = ref.roberta_mlm_logits(sd, cfg, hidden)
        if "classifier.out_proj.weight" in sd:
            out["classifier_logits"] = ref.roberta_classifier_logits(sd, hidden)
    else:
        if "vocab_projector.bias" in sd:
            out["mlm_logits"] = ref.distilbert_mlm_logits(sd, cfg, hidden)
        if "classifier.weight" in sd:
            out["classifier_logits"] = ref.distilbert_classifier_logits(sd, hidden)
    if "qa_outputs.weight" in sd:
        out["qa_start_logits"], out["qa_end_logits"] = ref.qa_logits(sd, hidden)
    return out


def gpt2_outputs(sd, cfg, inputs):
    ids, mask = inputs["input_ids"], inputs["attention_mask"]
    hidden = ref.gpt2_body(sd, cfg, ids, mask, token_type_ids=inputs.get("token_type_ids"))
    out = {"last_hidden_state": hidden, "lm_logits": ref.gpt2_lm_logits(sd, hidden)}
    if "score.weight" in sd:
        out["classifier_logits"] = ref.gpt2_classifier_logits(sd, cfg, hidden, ids)
        out["classifier_index"] = ref.gpt2_last_non_pad_token(ids, cfg.get("pad_token_id")).float()
    if "qa_outputs.weight" in sd:
        out["qa_start_logits"], out["qa_end_logits"] = ref.qa_logits(sd, hidden)
    return out


def family_inputs(family, pad):
    if family == "bert":
        ids, mask = padded_batch([7, 5, 3], 7, 2, 3, pad, 4, seed=11)
        types = torch.tensor([[0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 0]])
        return [("inputs", {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})]
    if family == "roberta":
        ids, mask = padded_batch([7, 5, 3], 7, 0, 2, pad, 3, seed=12)
        return [("inputs", {"input_ids": ids, "attention_mask": mask})]
    if family == "distilbert":
        ids, mask = padded_batch([7, 5, 3], 7, 2, 3, pad, 4, seed=13)
        return [("inputs", {"input_ids": ids, "attention_mask": mask})]
    right = padded_batch([7, 4, 2], 7, None, None, V - 1, 0, seed=14)
    left = padded_batch([7, 4, 2], 7, None, None, V - 1, 0, seed=14, left=True)
    # Rows that end in a real eos (= the pad id, as GPT-2 fine-tunes set it, attention_mask 1) before the padding:
    # HF pools the rightmost token that is not the pad id, not the last position the mask allows.
    eos_tail = padded_batch([6, 7, 4], 7, None, V - 1, V - 1, 0, seed=15)
    return [("inputs", dict(zip(("input_ids", "attention_mask"), right))),
            ("left_padded", dict(zip(("input_ids", "attention_mask"), left))),
            ("eos_tail", dict(zip(("input_ids", "attention_mask"), eos_tail))),
            ("token_types", {"input_ids": right[0], "attention_mask": right[1],
                             "token_type_ids": torch.randint(0, V, right[0].shape, generator=torch.Generator().manual_seed(16))})]


def expected_json(family, canonical, cfg, dtype, doc):
    result = {"doc": doc, "family": family, "checkpoint_dtype": dtype,
              "note": "Outputs of hf_reference.py (Hugging Face's forward in plain PyTorch, eval mode, float32) on the stored "
                      "weights upcast to float32. Encoders: every position is as HF computes it. GPT-2: compare positions "
                      "with attention_mask 1 (HF's outputs at masked query positions depend on its attention implementation)."}
    pad = cfg.get("pad_token_id", 0) if cfg.get("pad_token_id") is not None else V - 1
    with torch.no_grad():
        for name, inputs in family_inputs(family, pad):
            outputs = gpt2_outputs(canonical, cfg, inputs) if family == "gpt2" else encoder_outputs(family, canonical, cfg, inputs)
            result[name] = {"inputs": {k: v.tolist() for k, v in inputs.items()},
                            "outputs": {k: tensor_json(v) for k, v in outputs.items()}}
    return result


# ----------------------------------------------------------------------------------------------- variants
def cast(sd, dtype):
    return {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in sd.items()}


def strip_prefix(sd, prefix):
    return {(k[len(prefix):] if k.startswith(prefix) else k): v for k, v in sd.items()}


def only_base(sd, prefix):
    return {k: v for k, v in sd.items() if k.startswith(prefix)}


def write_variant(name, family, stored, cfg, doc, shards=0):
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    if shards:
        st.write_sharded(folder, stored, shards)
    else:
        st.write(os.path.join(folder, "model.safetensors"), stored)
    dtype = sorted({st._NAME_OF[v.dtype] for v in stored.values() if v.is_floating_point() and v.dim() > 1})
    expected = expected_json(family, canonicalize(stored, family), cfg, "+".join(dtype), doc)
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")


def generate():
    os.makedirs(OUT, exist_ok=True)
    heads = {"bert": ["BertForMaskedLM", "BertForSequenceClassification", "BertForQuestionAnswering"]}
    bert = bert_weights(Init(1))
    bert_ids = {"bert.embeddings.position_ids": torch.arange(P).unsqueeze(0)}
    write_variant("bert", "bert", {**bert, **bert_ids}, bert_config(heads["bert"]),
                  "BERT, F32, every head in one file (pooler, cls.predictions, classifier, qa_outputs) and the int64 position_ids buffer.")
    old = {}
    for k, v in bert.items():
        k = k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        old[k] = v
    old["cls.predictions.decoder.weight"] = bert["bert.embeddings.word_embeddings.weight"]
    old["cls.predictions.decoder.bias"] = bert["cls.predictions.bias"]
    Init(9).linear(old, "cls.seq_relationship", 2, C)
    write_variant("bert-tf-names-f16", "bert", cast(old, torch.float16), bert_config(["BertForPreTraining"], act="relu", dtype="float16"),
                  "BERT, F16, hidden_act relu, TF-era names (LayerNorm.gamma/beta), the tied decoder weight and decoder.bias stored "
                  "explicitly, and an NSP head (cls.seq_relationship) no model here uses.")
    write_variant("bert-base-noprefix", "bert", strip_prefix(only_base(bert, "bert."), "bert."), bert_config(["BertModel"]),
                  "BertModel.save_pretrained layout: no 'bert.' prefix, pooler, no task head (a classifier loaded from it starts fresh).")

    roberta = roberta_weights(Init(2))
    roberta_ids = {"roberta.embeddings.position_ids": torch.arange(P + 2).unsqueeze(0)}
    write_variant("roberta", "roberta", {**roberta, **roberta_ids},
                  roberta_config(["RobertaForMaskedLM", "RobertaForSequenceClassification", "RobertaForQuestionAnswering"]),
                  "RoBERTa, F32, every head (lm_head, classifier.dense/out_proj, qa_outputs); pad_token_id 1, positions from padding_idx + 1.")
    write_variant("roberta-base-noprefix", "roberta", strip_prefix(only_base(roberta, "roberta."), "roberta."), roberta_config(["RobertaModel"]),
                  "RobertaModel.save_pretrained layout: no 'roberta.' prefix, pooler, no task head.")
    mlm_only = {k: v for k, v in roberta.items() if not k.startswith(("classifier.", "qa_outputs.", "roberta.pooler."))}
    mlm_only["lm_head.decoder.weight"] = roberta["roberta.embeddings.word_embeddings.weight"]
    mlm_only["lm_head.decoder.bias"] = roberta["lm_head.bias"]
    write_variant("roberta-mlm-bf16-sharded", "roberta", cast(mlm_only, torch.bfloat16), roberta_config(["RobertaForMaskedLM"], act="gelu_new", dtype="bfloat16"),
                  "RobertaForMaskedLM, BF16, hidden_act gelu_new (its lm_head still uses exact GELU), three shards with model.safetensors.index.json, tied lm_head.decoder.weight/bias stored.",
                  shards=3)

    distil = distilbert_weights(Init(3), sinusoidal=False)
    stored_tie = {"distilbert.embeddings.position_ids": torch.arange(P).unsqueeze(0),
                  "vocab_projector.weight": distil["distilbert.embeddings.word_embeddings.weight"]}
    write_variant("distilbert", "distilbert", {**distil, **stored_tie},
                  distilbert_config(["DistilBertForMaskedLM", "DistilBertForSequenceClassification", "DistilBertForQuestionAnswering"], act="relu"),
                  "DistilBERT, F32, activation relu (FFN and MLM transform), every head (vocab_transform/vocab_layer_norm/vocab_projector, pre_classifier + classifier, qa_outputs), the tied vocab_projector.weight stored.")
    sinus = distilbert_weights(Init(4), sinusoidal=True)
    write_variant("distilbert-sinusoidal-noprefix", "distilbert", strip_prefix(only_base(sinus, "distilbert."), "distilbert."),
                  distilbert_config(["DistilBertModel"], sinusoidal=True),
                  "DistilBertModel.save_pretrained layout (no 'distilbert.' prefix, no heads), sinusoidal_pos_embds (table stored), gelu.")

    gpt2 = gpt2_weights(Init(5))
    buffers = {}
    for i in range(L):
        buffers[f"transformer.h.{i}.attn.bias"] = torch.tril(torch.ones(P, P, dtype=torch.bool)).view(1, 1, P, P)
        buffers[f"transformer.h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    write_variant("gpt2", "gpt2", {**gpt2, **buffers},
                  gpt2_config(["GPT2LMHeadModel", "GPT2ForSequenceClassification", "GPT2ForQuestionAnswering"]),
                  "GPT-2, F32, 'transformer.' prefix, score (no bias) and qa_outputs heads, attn.bias (bool) and attn.masked_bias "
                  "(scalar) buffers, pad_token_id = eos; right- and left-padded batches.")
    original = strip_prefix({k: v for k, v in gpt2.items() if k.startswith("transformer.")}, "transformer.")
    original["lm_head.weight"] = gpt2["transformer.wte.weight"]
    for i in range(L):
        original[f"h.{i}.attn.bias"] = torch.tril(torch.ones(P, P, dtype=torch.uint8)).view(1, 1, P, P)
    write_variant("gpt2-noprefix-lmhead-bf16", "gpt2", cast(original, torch.bfloat16), gpt2_config(["GPT2LMHeadModel"], pad=False, dtype="bfloat16"),
                  "GPT-2 in the original layout (no 'transformer.' prefix, uint8 attn.bias buffers), BF16, with the tied "
                  "lm_head.weight stored explicitly; no pad_token_id.")

    folder = os.path.join(OUT, "bert-pytorch-bin-only")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(bert_config(["BertModel"]), f, indent=2, sort_keys=True)
        f.write("\n")
    torch.save({"embeddings.word_embeddings.weight": bert["bert.embeddings.word_embeddings.weight"]}, os.path.join(folder, "pytorch_model.bin"))


# ----------------------------------------------------------------------------------------------- save check
def check_saved(saved, fixture):
    """Checks a folder our saver wrote against fixture NAME: HF key names and shapes, and the reference's outputs."""
    with open(os.path.join(OUT, fixture, "config.json")) as f:
        family = json.load(f)["model_type"]
    with open(os.path.join(saved, "config.json")) as f:
        cfg = json.load(f)
    assert cfg["model_type"] == family, f"model_type {cfg['model_type']} != {family}"
    original = canonicalize(st.read_folder(os.path.join(OUT, fixture)), family)
    written = st.read_folder(saved)
    assert all(v.dtype == torch.float32 for v in written.values()), "saved tensors must be F32"
    missing, extra = sorted(set(original) - set(written)), sorted(set(written) - set(original))
    assert not missing and not extra, f"keys differ: missing {missing}, unexpected {extra}"
    for k in original:
        assert tuple(written[k].shape) == tuple(original[k].shape), f"{k}: shape {tuple(written[k].shape)} != {tuple(original[k].shape)}"
    with open(os.path.join(OUT, fixture, "expected.json")) as f:
        expected = json.load(f)
    recomputed = expected_json(family, written, cfg, "F32", "")
    worst = 0.0
    for part in [k for k, v in expected.items() if isinstance(v, dict) and "inputs" in v]:
        for name, value in expected[part]["outputs"].items():
            got = torch.tensor(recomputed[part]["outputs"][name]["data"])
            worst = max(worst, (got - torch.tensor(value["data"])).abs().max().item())
    assert worst <= 1e-5, f"outputs differ by {worst}"
    print(f"{saved}: {len(written)} tensors, HF keys and shapes as {fixture}, outputs within {worst:.2e}")


def main():
    torch.set_num_threads(2)
    parser = argparse.ArgumentParser()
    parser.add_argument("--check-saved")
    parser.add_argument("--fixture")
    args = parser.parse_args()
    if args.check_saved:
        check_saved(args.check_saved, args.fixture)
    else:
        generate()


if __name__ == "__main__":
    sys.exit(main())
