# Generates tests/LlmMlNet.Transformers.Tests/Fixtures/generation/: the token ids Hugging Face's greedy
# generate() produces on our GPT-2 parity checkpoints (F32, BF16 and a new F16 one), for single prompts,
# batches of prompts of different lengths (left padding, attention mask, positions as GPT-2's
# prepare_inputs_for_generation computes them), an early EOS and a repetition penalty.
#   /usr/bin/python3 make_generation_fixtures.py      writes the fixtures (deterministic)
# The loop is HF's greedy search (transformers' GenerationMixin._sample with do_sample=False) over the
# plain-PyTorch GPT-2 forward in hf_reference.py, re-running the whole prefix each step (no cache: what a
# KV cache computes must equal this). Each case records the smallest gap between the best and the
# second-best logit it met, so a fixture whose argmax sits on a near-tie is visible. Tests need no Python.
import json
import os
import shutil
import sys

import torch

import hf_reference as ref
import safetensors_io as st
from fixture_checkpoints import Init, V, gpt2_config, gpt2_weights
from make_parity_fixtures import canonicalize, cast

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "Fixtures"))
OUT = os.path.join(FIXTURES, "generation")
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures", "parity"))


def generation_positions(mask):
    """GPT2LMHeadModel.prepare_inputs_for_generation: cumsum(attention_mask) - 1, and 1 where the mask is 0."""
    positions = mask.long().cumsum(-1) - 1
    positions.masked_fill_(mask == 0, 1)
    return positions


def repetition_penalty(logits, ids, penalty):
    """RepetitionPenaltyLogitsProcessor: logits of tokens present in ids divided by penalty when positive, multiplied when negative."""
    score = torch.gather(logits, 1, ids)
    score = torch.where(score < 0, score * penalty, score / penalty)
    return logits.scatter(1, ids, score)


def greedy(sd, cfg, prompts, max_new_tokens, eos=None, pad=None, penalty=1.0):
    """HF greedy search over left-padded prompts: returns the new ids [B, steps] (finished rows filled with pad) and the min logit gap."""
    t = max(len(p) for p in prompts)
    pad_id = pad if pad is not None else (eos if eos is not None else 0)
    ids = torch.full((len(prompts), t), pad_id, dtype=torch.long)
    mask = torch.zeros(len(prompts), t, dtype=torch.long)
    for b, p in enumerate(prompts):
        ids[b, t - len(p):] = torch.tensor(p)
        mask[b, t - len(p):] = 1
    unfinished = torch.ones(len(prompts), dtype=torch.long)
    new, gap = [], float("inf")
    for _ in range(max_new_tokens):
        hidden = ref.gpt2_body(sd, cfg, ids, mask, position_ids=generation_positions(mask))
        logits = ref.gpt2_lm_logits(sd, hidden)[:, -1, :]
        if penalty != 1.0:
            logits = repetition_penalty(logits, ids, penalty)
        top = torch.topk(logits, 2, dim=-1).values
        for b in range(len(prompts)):
            if unfinished[b]:
                gap = min(gap, (top[b, 0] - top[b, 1]).item())
        next_ids = torch.argmax(logits, dim=-1)
        next_ids = next_ids * unfinished + pad_id * (1 - unfinished)
        new.append(next_ids)
        ids = torch.cat([ids, next_ids[:, None]], dim=-1)
        mask = torch.cat([mask, torch.ones(len(prompts), 1, dtype=torch.long)], dim=-1)
        if eos is not None:
            unfinished = unfinished & (next_ids != eos).long()
            if unfinished.max() == 0:
                break
    return torch.stack(new, dim=1), gap


def rows(new, eos):
    """Each row's new ids up to and including its first eos (what our generator returns)."""
    out = []
    for row in new.tolist():
        out.append(row[: row.index(eos) + 1] if eos is not None and eos in row else row)
    return out


def cases(sd, cfg, vocab, positions):
    g = torch.Generator().manual_seed(21)
    prompt = lambda n: torch.randint(0, vocab - 1, (n,), generator=g).tolist()
    single = [prompt(5)]
    batch = [prompt(6), prompt(3), prompt(1), prompt(4)]
    steps = min(12, positions - 6)
    result = []

    def add(name, prompts, eos=None, pad=None, penalty=1.0, doc=""):
        new, gap = greedy(sd, cfg, prompts, steps, eos=eos, pad=pad, penalty=penalty)
        result.append({"name": name, "doc": doc, "prompts": prompts, "max_new_tokens": steps, "eos_token_id": eos,
                       "pad_token_id": pad, "repetition_penalty": penalty, "hf_new_ids": new.tolist(),
                       "expected": rows(new, eos), "min_logit_gap": gap})
        return new

    add("single", single, doc="one prompt, no eos: exactly max_new_tokens greedy tokens")
    first = add("batch_left_padded", batch, doc="four prompts of lengths 6, 3, 1, 4, left-padded, no eos")
    # An eos that row 1 produces (at its third step, maybe earlier too): each row stops at its first occurrence.
    eos = first[1, 2].item()
    add("batch_eos", batch, eos=eos, pad=vocab - 1,
        doc="the batch with eos = the token row 1 generates third: a row stops at its first eos (HF fills the rest with pad_token_id), the others go on")
    add("repetition_penalty", single, penalty=1.5, doc="one prompt, repetition_penalty 1.5 (over the prompt and the generated ids)")
    return result


def write(name, folder, doc):
    stored = st.read_folder(folder)
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    sd = canonicalize(stored, "gpt2")
    if "transformer.wte.weight" not in sd and "wte.weight" in stored:
        sd = canonicalize({k: v for k, v in stored.items()}, "gpt2")
    with torch.no_grad():
        result = {"doc": doc, "checkpoint": name, "cases": cases(sd, cfg, cfg["vocab_size"], cfg["n_positions"])}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(name, "min logit gap", min(c["min_logit_gap"] for c in result["cases"]))


def main():
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    # An F16 checkpoint (HF's from_pretrained upcasts to float32 by default, as our loader does).
    f16 = os.path.join(OUT, "gpt2-f16")
    shutil.rmtree(f16, ignore_errors=True)
    os.makedirs(f16)
    weights = {k: v for k, v in gpt2_weights(Init(6)).items() if k.startswith("transformer.")}
    st.write(os.path.join(f16, "model.safetensors"), cast(weights, torch.float16))
    with open(os.path.join(f16, "config.json"), "w") as f:
        json.dump(gpt2_config(["GPT2LMHeadModel"], dtype="float16"), f, indent=2, sort_keys=True)
        f.write("\n")
    write("gpt2-tiny-random", os.path.join(SHARED, "gpt2-tiny-random"),
          "the shared parity checkpoint (HF-initialised, F32, vocab 457, 128 positions, real tokenizer)")
    write("gpt2", os.path.join(FIXTURES, "families", "gpt2"), "Fixtures/families/gpt2 (F32, vocab 48, 20 positions)")
    write("gpt2-noprefix-lmhead-bf16", os.path.join(FIXTURES, "families", "gpt2-noprefix-lmhead-bf16"),
          "Fixtures/families/gpt2-noprefix-lmhead-bf16 (BF16, original key names)")
    write("gpt2-f16", f16, "generation/gpt2-f16 (F16 weights, torch_dtype float16, vocab 48, 20 positions)")


if __name__ == "__main__":
    sys.exit(main())
