# Expected values of one DPO step (and the SFT loss) on the shared tiny GPT-2 checkpoint, computed with the
# plain-PyTorch GPT-2 of hf_reference.py exactly as TRL's DPOTrainer computes them (concatenated forward over
# chosen then rejected rows, log-probabilities summed over completion tokens, loss_type "sigmoid", beta 0.1) and
# written to ../Fixtures/dpo/expected_dpo_step.json. Run: /usr/bin/python3 make_dpo_fixture.py (PyTorch needed
# only here; the C# tests read the JSON).
import json
import os

import torch
import torch.nn.functional as F

import hf_reference as ref
import safetensors_io as st

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures", "parity", "gpt2-tiny-random"))
OUT = os.path.join(HERE, "..", "Fixtures", "dpo", "expected_dpo_step.json")
BETA = 0.1
LR, BETAS, EPS, WD = 1e-3, (0.9, 0.999), 1e-8, 0.01
EOS = 456
# Two pairs with prompts and responses of different lengths, so right padding and the prompt mask both matter.
PAIRS = [
    {"prompt": [10, 20, 30], "chosen": [100, 101, 102], "rejected": [200, 201]},
    {"prompt": [40, 50, 60, 70, 80], "chosen": [110, 111], "rejected": [210, 211, 212, 213]},
]


def rows():
    """Chosen rows then rejected rows: prompt + response + EOS, labels -100 on the prompt, right-padded with EOS."""
    seqs = [(p["prompt"], p["chosen"]) for p in PAIRS] + [(p["prompt"], p["rejected"]) for p in PAIRS]
    t = max(len(a) + len(b) + 1 for a, b in seqs)
    ids, mask, labels = [], [], []
    for prompt, response in seqs:
        x = prompt + response + [EOS]
        pad = t - len(x)
        ids.append(x + [EOS] * pad)
        mask.append([1] * len(x) + [0] * pad)
        labels.append([-100] * len(prompt) + response + [EOS] + [-100] * pad)
    return torch.tensor(ids), torch.tensor(mask), torch.tensor(labels)


def sequence_logps(sd, cfg, ids, mask, labels):
    """TRL: per-token log-probabilities of the shifted labels, summed over the completion (loss_mask) per row."""
    logits = ref.gpt2_lm_logits(sd, ref.gpt2_body(sd, cfg, ids, mask))[:, :-1]
    target = labels[:, 1:]
    keep = target != -100
    logp = torch.gather(logits.log_softmax(-1), 2, target.clamp(min=0).unsqueeze(2)).squeeze(2)
    return (logp * keep).sum(-1), logits, keep


def metrics(policy, reference, logits, keep, n):
    chosen = BETA * (policy[:n] - reference[:n])
    rejected = BETA * (policy[n:] - reference[n:])
    loss = -F.logsigmoid(chosen - rejected).mean()
    mean_logits = lambda rows: logits[rows][keep[rows]].mean().item()
    return loss, {
        "loss": loss.item(),
        "rewards/chosen": chosen.mean().item(),
        "rewards/rejected": rejected.mean().item(),
        "rewards/accuracies": (chosen > rejected).float().mean().item(),
        "rewards/margins": (chosen - rejected).mean().item(),
        "logps/chosen": policy[:n].mean().item(),
        "logps/rejected": policy[n:].mean().item(),
        "logits/chosen": mean_logits(slice(0, n)),
        "logits/rejected": mean_logits(slice(n, None)),
    }


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    with open(os.path.join(MODEL, "config.json")) as f:
        cfg = json.load(f)
    sd = {k: v.float() for k, v in st.read_folder(MODEL).items() if k.startswith("transformer.") and not k.endswith(".attn.bias")
          and not k.endswith(".masked_bias")}
    frozen = {k: v.clone() for k, v in sd.items()}
    params = {k: v.clone().requires_grad_(True) for k, v in sd.items()}
    ids, mask, labels = rows()
    n = len(PAIRS)

    with torch.no_grad():
        reference, _, _ = sequence_logps(frozen, cfg, ids, mask, labels)
    policy, logits, keep = sequence_logps(params, cfg, ids, mask, labels)
    loss, before = metrics(policy, reference, logits.detach(), keep, n)
    loss.backward()

    # The SFT loss on the chosen rows: mean cross-entropy over completion tokens (prompt labels are -100).
    with torch.no_grad():
        sft_logits = ref.gpt2_lm_logits(frozen, ref.gpt2_body(frozen, cfg, ids[:n], mask[:n]))[:, :-1]
        sft_loss = F.cross_entropy(sft_logits.reshape(-1, sft_logits.shape[-1]), labels[:n, 1:].reshape(-1), ignore_index=-100).item()

    grads = {k: p.grad.double() for k, p in params.items()}
    global_l2 = torch.sqrt(sum((g * g).sum() for g in grads.values())).item()
    optimizer = torch.optim.AdamW(list(params.values()), lr=LR, betas=BETAS, eps=EPS, weight_decay=WD)
    optimizer.step()
    with torch.no_grad():
        policy_after, logits_after, keep_after = sequence_logps(params, cfg, ids, mask, labels)
        _, after = metrics(policy_after, reference, logits_after, keep_after, n)

    out = {
        "doc": "One DPO step (TRL sigmoid loss, beta 0.1) on gpt2-tiny-random: reference = the checkpoint, frozen; "
               "AdamW lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01 on every parameter, no clipping. Made by make_dpo_fixture.py.",
        "beta": BETA,
        "eos": EOS,
        "pairs": PAIRS,
        "sft_loss_chosen": sft_loss,
        "reference_logps": reference.tolist(),
        "policy_logps": policy.detach().tolist(),
        "metrics_before": before,
        "metrics_after_step": after,
        "grad_global_l2": global_l2,
        "gradients": {k: {"sum": g.sum().item(), "l2": torch.sqrt((g * g).sum()).item()} for k, g in sorted(grads.items())},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(tmp, OUT)
    print(f"wrote {OUT}: loss {before['loss']:.6f} -> {after['loss']:.6f}, grad l2 {global_l2:.6f}")


if __name__ == "__main__":
    main()
